import Foundation
import KubeDiagnostics
import Testing

@Suite("SourceMap: lines for quoting")
struct SourceMapTests {
    @Test func linesOfAFileInAnyOrderWithCRLFAndNoFinalNewline() throws {
        let path = NSTemporaryDirectory() + "sourcemap-\(UUID().uuidString).yaml"
        let lines = (1...20_000).map { "line \($0)" }
        try Data((lines.joined(separator: "\r\n")).utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sources = SourceMap()
        #expect(sources.line(19_999, in: path) == "line 19999")
        #expect(sources.line(3, in: path) == "line 3")
        #expect(sources.line(20_000, in: path) == "line 20000")
        #expect(sources.line(20_001, in: path) == nil)
        #expect(sources.line(0, in: path) == nil)
    }

    @Test func aLineTooLongToQuoteAndInvalidUTF8AreNotQuoted() throws {
        let path = NSTemporaryDirectory() + "sourcemap-\(UUID().uuidString).yaml"
        let long = String(repeating: "x", count: SourceMap.maxQuotedLineBytes + 1)
        try Data(("a: 1\n" + long + "\nb: 2\n").utf8 + [0xFF, 0x0A]).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sources = SourceMap()
        #expect(sources.line(2, in: path) == nil)
        #expect(sources.line(3, in: path) == "b: 2")
        #expect(sources.line(4, in: path) == nil)
    }

    @Test func memoryTextsAndAliases() throws {
        var sources = SourceMap()
        sources.add(path: "<stdin>", text: "one\ntwo\n")
        #expect(sources.line(2, in: "<stdin>") == "two")
        let path = NSTemporaryDirectory() + "sourcemap-\(UUID().uuidString).yaml"
        try Data("first\nsecond\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        sources.add(path: "<piped>", readingFrom: path)
        #expect(sources.line(2, in: "<piped>") == "second")
        #expect(sources.line(1, in: "missing-file.yaml") == nil)
    }
}
