import KubeDiagnostics

/// What a file holds for `FixPlanner`: its bytes, or why no edit may go into it (standard input,
/// a file changed since it was checked, a symlink out of the inputs).
public enum FixSource: Sendable {
    case bytes([UInt8])
    case refused(String)
}

/// A fix `FixPlanner` did not apply, and why (said after "not applied: ").
public struct RefusedFix: Hashable, Sendable {
    /// Index of the finding in the list given to `FixPlanner.plan`.
    public var index: Int
    public var reason: String

    public init(index: Int, reason: String) {
        self.index = index
        self.reason = reason
    }
}

/// One file's text before and after the accepted edits.
public struct FixedFile: Hashable, Sendable {
    /// The path as the findings' spans name it.
    public var path: String
    public var original: [UInt8]
    public var fixed: [UInt8]
    /// How many fixes changed this file.
    public var fixCount: Int

    public init(path: String, original: [UInt8], fixed: [UInt8], fixCount: Int) {
        self.path = path
        self.original = original
        self.fixed = fixed
        self.fixCount = fixCount
    }
}

/// The edits of every machine-applicable fix that can be applied together, file by file.
public struct FixPlan: Sendable {
    /// Files whose text changes, in the order their first fix came.
    public var files: [FixedFile] = []
    /// Indexes of the findings whose fixes are applied.
    public var applied: [Int] = []
    /// Machine-applicable fixes not applied (overlap, stale span, a file that may not be edited).
    public var refused: [RefusedFix] = []

    public var appliedCount: Int { applied.count }
}

/// Turns findings' machine-applicable fixes into new file texts. Only the bytes of each edit's span
/// change; everything else (comments, quoting, indentation, line endings) is copied as it was.
/// The CLI's `--fix` and an editor's "fix all" share this.
public enum FixPlanner {
    /// Plans the machine-applicable fixes of `diagnostics`, in their order: a fix whose edits overlap
    /// an edit already accepted is refused (the first wins); a fix is applied whole or not at all.
    /// Findings without a machine-applicable fix are ignored. `source` gives each file's text.
    public static func plan(_ diagnostics: [Diagnostic], source: (String) -> FixSource) -> FixPlan {
        var texts: [String: FixSource] = [:]
        var tables: [String: LineTable] = [:]
        var accepted: [String: [ResolvedEdit]] = [:]
        var fileOrder: [String] = []
        var fixCounts: [String: Int] = [:]
        var plan = FixPlan()

        func text(_ file: String) -> FixSource {
            if let known = texts[file] { return known }
            let loaded = source(file)
            texts[file] = loaded
            return loaded
        }

        fixes: for (index, diagnostic) in diagnostics.enumerated() {
            guard let fix = diagnostic.fix, fix.applicability == .machineApplicable, !fix.edits.isEmpty else {
                continue
            }
            var resolved: [ResolvedEdit] = []
            for edit in fix.edits {
                let file = edit.span.file
                switch text(file) {
                case .refused(let reason):
                    plan.refused.append(RefusedFix(index: index, reason: reason))
                    continue fixes
                case .bytes(let bytes):
                    let table: LineTable
                    if let known = tables[file] {
                        table = known
                    } else {
                        switch LineTable.make(bytes) {
                        case .success(let made): table = made
                        case .failure(let problem):
                            plan.refused.append(RefusedFix(index: index, reason: "\(file) \(problem.reason)"))
                            continue fixes
                        }
                        tables[file] = table
                    }
                    guard let range = table.byteRange(of: edit.span, in: bytes) else {
                        plan.refused.append(
                            RefusedFix(
                                index: index,
                                reason: "\(edit.span) is not in \(file) as it is now (changed since it was checked?)"))
                        continue fixes
                    }
                    // An edit moved from rendered output applies only where the source still
                    // holds the bytes it was computed to replace.
                    if let replaced = edit.replacedText, !bytes[range].elementsEqual(replaced.utf8) {
                        plan.refused.append(
                            RefusedFix(
                                index: index,
                                reason:
                                    "\(edit.span) no longer holds `\(replaced)` (changed since it was checked?): run kubewire again"
                            ))
                        continue fixes
                    }
                    var newText = Array(edit.newText.utf8)
                    // A line break in the new text takes the file's: a CRLF file stays CRLF.
                    if table.endsWithCRLF(line: edit.span.line), newText.contains(UInt8(ascii: "\n")) {
                        newText = withCRLF(newText)
                    }
                    if let comment = removedComment(in: bytes, range: range, newText: newText) {
                        plan.refused.append(
                            RefusedFix(
                                index: index,
                                reason: "it would remove the comment `\(comment)`: make this change by hand"))
                        continue fixes
                    }
                    resolved.append(ResolvedEdit(file: file, range: range, newText: newText))
                }
            }
            // Within one fix, overlapping edits are a broken fix; across fixes, the first wins.
            for (position, edit) in resolved.enumerated() {
                if resolved[..<position].contains(where: { $0.file == edit.file && $0.overlaps(edit) }) {
                    plan.refused.append(RefusedFix(index: index, reason: "its own edits overlap"))
                    continue fixes
                }
            }
            var fresh: [ResolvedEdit] = []
            for edit in resolved {
                let earlier = accepted[edit.file] ?? []
                // The same change proposed twice (two findings, one cause) is made once.
                if earlier.contains(edit) { continue }
                if let clash = earlier.first(where: { $0.overlaps(edit) }) {
                    let first = clash.fixIndex.map { diagnostics[$0].span?.description ?? "another finding" }
                    plan.refused.append(
                        RefusedFix(
                            index: index,
                            reason:
                                "it overlaps the fix of the finding at \(first ?? "another finding"), applied first; run --fix again to apply it to the fixed text"
                        ))
                    continue fixes
                }
                fresh.append(edit)
            }
            for var edit in fresh {
                edit.fixIndex = index
                if accepted[edit.file] == nil { fileOrder.append(edit.file) }
                accepted[edit.file, default: []].append(edit)
            }
            for file in Set(fresh.map(\.file)) { fixCounts[file, default: 0] += 1 }
            plan.applied.append(index)
        }

        for file in fileOrder {
            guard case .bytes(let original) = texts[file], let edits = accepted[file] else { continue }
            var fixed: [UInt8] = []
            fixed.reserveCapacity(original.count)
            var position = 0
            for edit in edits.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
                fixed += original[position..<edit.range.lowerBound]
                fixed += edit.newText
                position = edit.range.upperBound
            }
            fixed += original[position...]
            if fixed != original {
                plan.files.append(
                    FixedFile(path: file, original: original, fixed: fixed, fixCount: fixCounts[file] ?? 0))
            }
        }
        return plan
    }
}

/// The first YAML comment (`#` at a line's start or after a blank, to the line's end) inside
/// `range` of `bytes` that `newText` does not carry over; nil if none. A `#` inside a quoted scalar
/// looks the same here: such a fix is refused too, which only costs a change by hand.
func removedComment(in bytes: [UInt8], range: Range<Int>, newText: [UInt8]) -> String? {
    var index = range.lowerBound
    while index < range.upperBound {
        let byte = bytes[index]
        let follows = index == 0 ? UInt8(ascii: "\n") : bytes[index - 1]
        if byte == UInt8(ascii: "#"),
            follows == UInt8(ascii: " ") || follows == UInt8(ascii: "\t") || follows == UInt8(ascii: "\n")
        {
            var end = index
            while end < range.upperBound, bytes[end] != UInt8(ascii: "\n"), bytes[end] != UInt8(ascii: "\r") {
                end += 1
            }
            let comment = Array(bytes[index..<end])
            let kept =
                newText.count >= comment.count
                && (0...(newText.count - comment.count)).contains {
                    Array(newText[$0..<($0 + comment.count)]) == comment
                }
            if !kept { return String(decoding: comment, as: UTF8.self) }
            index = end
        }
        index += 1
    }
    return nil
}

/// `text` with each `\n` not already after a `\r` written `\r\n`.
func withCRLF(_ text: [UInt8]) -> [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(text.count + 8)
    for (index, byte) in text.enumerated() {
        if byte == UInt8(ascii: "\n") && (index == 0 || text[index - 1] != UInt8(ascii: "\r")) {
            result.append(UInt8(ascii: "\r"))
        }
        result.append(byte)
    }
    return result
}

/// An edit at byte offsets of its file.
struct ResolvedEdit: Sendable {
    var file: String
    var range: Range<Int>
    var newText: [UInt8]
    /// The finding whose fix this edit belongs to, once accepted.
    var fixIndex: Int?

    /// Two ranges share a byte, or an insertion sits at or inside the other range (which text comes
    /// first would be a guess).
    func overlaps(_ other: ResolvedEdit) -> Bool {
        if range.isEmpty || other.range.isEmpty {
            if range.isEmpty && other.range.isEmpty { return range.lowerBound == other.range.lowerBound }
            let (point, span) = range.isEmpty ? (range.lowerBound, other.range) : (other.range.lowerBound, range)
            return span.lowerBound <= point && point <= span.upperBound
        }
        return range.overlaps(other.range)
    }
}

extension ResolvedEdit: Equatable {
    static func == (a: ResolvedEdit, b: ResolvedEdit) -> Bool {
        a.file == b.file && a.range == b.range && a.newText == b.newText
    }
}

/// Where each line of a text starts, counted as libyaml counts them (which is how spans are made):
/// lines end at `\n` or `\r\n`; columns count Unicode scalars, 1-based; a UTF-8 byte-order mark
/// is not a column.
public struct LineTable: Sendable {
    /// Byte offset of each line's first byte.
    public private(set) var starts: [Int]
    /// Byte offset where each line's text ends (before its `\n` or `\r\n`).
    public private(set) var ends: [Int]

    public struct Problem: Error, Sendable {
        public var reason: String
    }

    /// Texts with line breaks libyaml counts but `\n` does not show (a lone `\r`, NEL, LS, PS) are
    /// refused: a column there could mean two places, and an edit must never land on a guess.
    public static func make(_ bytes: [UInt8]) -> Result<LineTable, Problem> {
        var starts: [Int] = []
        var ends: [Int] = []
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                starts.append(start)
                ends.append(index > start && bytes[index - 1] == UInt8(ascii: "\r") ? index - 1 : index)
                start = index + 1
            } else if byte == UInt8(ascii: "\r") {
                if index + 1 >= bytes.count || bytes[index + 1] != UInt8(ascii: "\n") {
                    return .failure(Problem(reason: "has a line ending in a lone carriage return: not edited"))
                }
            } else if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0x85 {
                return .failure(Problem(reason: "has a NEL line break (U+0085): not edited"))
            } else if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80,
                bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9
            {
                return .failure(Problem(reason: "has a Unicode line or paragraph separator: not edited"))
            }
            index += 1
        }
        // The last line (empty after a final line break).
        starts.append(start)
        ends.append(bytes.count)
        return .success(LineTable(starts: starts, ends: ends))
    }

    /// Whether 1-based `line` ends in `\r\n`.
    public func endsWithCRLF(line: Int) -> Bool {
        guard line >= 1, line < starts.count else { return false }
        return starts[line] - ends[line - 1] == 2
    }

    /// The byte offset of 1-based `line` and `column` (Unicode scalars); the column just after the
    /// line's last character is its end. Nil when the text has no such place.
    public func offset(line: Int, column: Int, in bytes: [UInt8]) -> Int? {
        guard line >= 1, line <= starts.count, column >= 1 else { return nil }
        let end = ends[line - 1]
        var offset = starts[line - 1]
        var remaining = column - 1
        while remaining > 0 {
            guard offset < end else { return nil }
            offset += 1
            while offset < end && bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            remaining -= 1
        }
        return offset
    }

    /// The bytes `span` covers; nil when it does not fit the text (its end before its start, a
    /// line or column the text lacks).
    public func byteRange(of span: SourceSpan, in bytes: [UInt8]) -> Range<Int>? {
        guard let start = offset(line: span.line, column: span.column, in: bytes),
            let end = offset(line: span.endLine, column: span.endColumn, in: bytes), start <= end
        else { return nil }
        return start..<end
    }
}
