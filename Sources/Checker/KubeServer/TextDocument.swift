import Foundation

/// An LSP position: 0-based line, 0-based character in UTF-16 code units (the protocol's default
/// encoding, the only one every client speaks).
public struct Position: Hashable, Sendable, Comparable {
    public var line: Int
    public var character: Int

    public init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }

    public static func < (a: Position, b: Position) -> Bool { (a.line, a.character) < (b.line, b.character) }

    var json: JSON { ["line": .int(line), "character": .int(character)] }

    init?(_ json: JSON?) {
        guard let line = json?["line"]?.int, let character = json?["character"]?.int, line >= 0, character >= 0
        else { return nil }
        self.init(line: line, character: character)
    }
}

public struct TextRange: Hashable, Sendable {
    public var start: Position
    public var end: Position

    public init(start: Position, end: Position) {
        self.start = start
        self.end = end
    }

    var json: JSON { ["start": start.json, "end": end.json] }

    init?(_ json: JSON?) {
        guard let start = Position(json?["start"]), let end = Position(json?["end"]), start <= end else { return nil }
        self.init(start: start, end: end)
    }

    func overlaps(_ other: TextRange) -> Bool { start <= other.end && other.start <= end }
}

/// A text split into lines the way LSP counts them (`\n`, `\r\n` and `\r` end a line), for mapping
/// between kubewire's positions (1-based line, 1-based column in Unicode scalars, as libyaml counts)
/// and LSP's (0-based line, UTF-16 code units).
public struct LineTable: Sendable {
    public let text: String
    /// Where each line starts, and where its content ends (before the line break).
    private let starts: [String.Index]
    private let ends: [String.Index]

    public init(_ text: String) {
        self.text = text
        var starts = [text.startIndex]
        var ends: [String.Index] = []
        let scalars = text.unicodeScalars
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            if scalar == "\n" || scalar == "\r" {
                ends.append(index)
                var next = scalars.index(after: index)
                if scalar == "\r", next < scalars.endIndex, scalars[next] == "\n" { next = scalars.index(after: next) }
                starts.append(next)
                index = next
            } else {
                index = scalars.index(after: index)
            }
        }
        ends.append(text.endIndex)
        self.starts = starts
        self.ends = ends
    }

    public var lineCount: Int { starts.count }

    /// The index of an LSP position; past the end of a line is its end, past the last line the text's end.
    public func index(of position: Position) -> String.Index {
        guard position.line < starts.count else { return text.endIndex }
        let end = ends[position.line]
        var index = starts[position.line]
        var units = 0
        let scalars = text.unicodeScalars
        while index < end {
            let width = scalars[index].utf16.count
            // Inside a surrogate pair: the position stays before the character.
            if units + width > position.character { break }
            units += width
            index = scalars.index(after: index)
        }
        return index
    }

    /// The LSP position of a string index.
    public func position(of index: String.Index) -> Position {
        // The last line starting at or before `index`.
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= index { low = middle } else { high = middle - 1 }
        }
        let clamped = min(index, ends[low])
        return Position(line: low, character: text.utf16[starts[low]..<clamped].count)
    }

    /// The LSP position of kubewire's 1-based line and 1-based column in Unicode scalars.
    public func position(line: Int, column: Int) -> Position {
        let row = max(0, line - 1)
        guard row < starts.count else { return position(of: text.endIndex) }
        let end = ends[row]
        var index = starts[row]
        var remaining = max(0, column - 1)
        let scalars = text.unicodeScalars
        while remaining > 0, index < end {
            index = scalars.index(after: index)
            remaining -= 1
        }
        return Position(line: row, character: text.utf16[starts[row]..<index].count)
    }

    /// kubewire's 1-based line and column (Unicode scalars) of an LSP position.
    public func lineAndColumn(of position: Position) -> (line: Int, column: Int) {
        let index = self.index(of: position)
        let clampedLine = min(position.line, starts.count - 1)
        return (clampedLine + 1, text.unicodeScalars[starts[clampedLine]..<index].count + 1)
    }
}

/// One document the editor has open: its text as typed (saved or not) and its version.
public struct TextDocument: Sendable {
    public var uri: String
    public var version: Int
    public private(set) var text: String

    public init(uri: String, version: Int, text: String) {
        self.uri = uri
        self.version = version
        self.text = text
    }

    public enum EditError: Error, Equatable {
        case missingText
        case badRange
    }

    /// Applies one `TextDocumentContentChangeEvent`: the whole text, or a range replaced.
    public mutating func apply(change: JSON) throws {
        guard let newText = change["text"]?.string else { throw EditError.missingText }
        guard let rangeJSON = change["range"] else {
            text = newText
            return
        }
        guard let range = TextRange(rangeJSON) else { throw EditError.badRange }
        replace(range, with: newText)
    }

    public mutating func replace(_ range: TextRange, with newText: String) {
        let table = LineTable(text)
        let lower = table.index(of: range.start)
        let upper = max(lower, table.index(of: range.end))
        // Edit in scalars: a range ending between `\r` and `\n` must not swallow a grapheme.
        var scalars = text.unicodeScalars
        scalars.replaceSubrange(lower..<upper, with: newText.unicodeScalars)
        text = String(scalars)
    }
}
