#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Source lines for quoting the offending line in a report. Texts that came
/// from stdin are kept here; files are re-read on demand, so a large run does
/// not hold every input in memory.
public struct SourceMap: Sendable {
    private var texts: [String: [Substring]] = [:]

    public init() {}

    public mutating func add(path: String, text: String) {
        texts[path] = Self.split(text)
    }

    /// The 1-based line `number` of `file` without its line ending.
    public func line(_ number: Int, in file: String) -> String? {
        guard number >= 1 else { return nil }
        if let lines = texts[file] { return Self.pick(lines, number) }
        guard let data = FileManager.default.contents(atPath: file),
            let text = String(data: data, encoding: .utf8)
        else { return nil }
        return Self.pick(Self.split(text), number)
    }

    private static func split(_ text: String) -> [Substring] {
        // Split on scalars: "\r\n" is one Character and would not match "\n".
        text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { Substring($0) }
    }

    private static func pick(_ lines: [Substring], _ number: Int) -> String? {
        guard number <= lines.count else { return nil }
        var line = lines[number - 1]
        if line.hasSuffix("\r") { line = line.dropLast() }
        return String(line)
    }
}
