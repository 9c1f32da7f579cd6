import Foundation
import KubeDiagnostics
import Testing

@testable import KubeYAML

/// Input kubectl (goyaml v2) reads that plain libyaml with a forced encoding does not: a UTF-8 byte
/// order mark and the `\'` escape, with every mark exact, from memory and from a file.
@Suite struct GoYAMLInputTests {
    /// Loads `bytes` both from memory and from a file; both must agree.
    private func loadBoth(_ bytes: [UInt8]) throws -> YAMLLoadResult {
        let fromMemory = load(bytes: bytes)
        let path = NSTemporaryDirectory() + "/kubewire-goyaml-\(UUID().uuidString).yaml"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = YAMLLoader.load(path: path, name: "t.yaml")
        #expect(fromMemory.problems.map(\.message) == fromFile.problems.map(\.message))
        let memoryRoot = fromMemory.documents.first?.root
        let fileRoot = fromFile.documents.first?.root
        #expect(memoryRoot?.pairs.map(\.value.scalar) == fileRoot?.pairs.map(\.value.scalar))
        #expect(memoryRoot?.pairs.map(\.value.start) == fileRoot?.pairs.map(\.value.start))
        return fromFile
    }

    @Test func byteOrderMarkIsSkippedAndMarksStartAfterIt() throws {
        let result = try loadBoth([0xEF, 0xBB, 0xBF] + Array("kind: ConfigMap\r\nname: é\r\n".utf8))
        #expect(result.problems.isEmpty, "\(result.problems.map(\.message))")
        let root = try #require(result.documents.first?.root)
        #expect(root["kind"]?.scalar == "ConfigMap")
        #expect(root.keyNode("kind")?.start == mark(1, 1))
        #expect(root["kind"]?.start == mark(1, 7))
        #expect(root["name"]?.scalar == "é")
        #expect(root["name"]?.start == mark(2, 7))
    }

    @Test func aSlashEscapeAfterAByteOrderMarkIsFound() throws {
        // The source is read again past the mark: an offset off by its 3 bytes misses the `\/`.
        let result = try loadBoth([0xEF, 0xBB, 0xBF] + Array("a: 1\nb: \"x\\/\"\n".utf8))
        let problem = try onlyProblem(result)
        #expect(problem.ruleID == "yaml-syntax")
        #expect(problem.message.contains("`\\/`"))
        #expect(problem.span?.line == 2)
        #expect(problem.span?.column == 4)
    }

    @Test func aByteOrderMarkAloneIsAnEmptyStream() throws {
        let result = try loadBoth([0xEF, 0xBB, 0xBF])
        #expect(result.problems.isEmpty)
        #expect(result.documents.isEmpty)
    }

    @Test func invalidUTF8AfterAByteOrderMarkIsPlacedExactly() throws {
        let result = load(bytes: [0xEF, 0xBB, 0xBF] + Array("a: b\nc: ".utf8) + [0xFF] + Array("\n".utf8))
        let problem = try onlyProblem(result)
        #expect(problem.ruleID == "unreadable-input")
        #expect(problem.span?.line == 2)
        #expect(problem.span?.column == 4)
    }

    @Test func singleQuoteEscapeReadsAsGoYAMLReadsIt() throws {
        // kubectl accepts `\'` in a double-quoted scalar (goyaml v2 adds it to YAML's escapes).
        let text = #"a: "echo \"A=\'x\'\"", b: "it\'s \x22q\x22 \'", c: &x "\'", d: *x, e: "\\'"\#n"#
        let result = try loadBoth(Array(("k: {" + text.dropLast() + "}\n").utf8))
        #expect(result.problems.isEmpty, "\(result.problems.map(\.message))")
        let root = try #require(result.documents.first?.root["k"])
        #expect(root["a"]?.scalar == #"echo "A='x'""#)
        #expect(root["b"]?.scalar == #"it's "q" '"#)
        #expect(root["c"]?.scalar == "'")
        #expect(root["d"]?.scalar == "'")
        // `\\` then a plain `'`: an escaped backslash, no `\'` escape.
        #expect(root["e"]?.scalar == #"\'"#)
        // Marks stay exact after each escape: `b`'s value starts where its quote is.
        let line = "k: {" + text
        let bColumn = Int32(line.distance(from: line.startIndex, to: line.range(of: "b: ")!.upperBound)) + 1
        #expect(root["b"]?.start == mark(1, bColumn))
        #expect(root["b"]?.end == mark(1, bColumn + Int32(#""it\'s \x22q\x22 \'""#.count)))
    }

    @Test func singleQuoteEscapesAcrossLinesAndDocuments() throws {
        let text = "a: \"one\\'\r\n  two\\'\"\r\nb: x\r\n---\r\nc: \"\\'\"\r\n"
        let result = load(text)
        #expect(result.problems.isEmpty, "\(result.problems.map(\.message))")
        #expect(result.documents.count == 2)
        #expect(result.documents.first?.root["a"]?.scalar == "one' two'")
        #expect(result.documents.first?.root["b"]?.start == mark(3, 4))
        #expect(result.documents.last?.root["c"]?.scalar == "'")
        #expect(result.documents.last?.root["c"]?.start == mark(5, 4))
    }

    @Test func singleQuoteEscapesAreReadInABoundedNumberOfScalars() throws {
        // Each scalar with `\'` costs one more parse: past the bound it is an input limit, never
        // unbounded work (and never a silent empty result).
        let bound = EventReader.maxEscapeRereads
        let within = (0..<bound).map { "k\($0): \"it\\'s\"" }.joined(separator: "\n") + "\n"
        let loaded = load(within)
        #expect(loaded.problems.isEmpty)
        #expect(loaded.documents.first?.root.pairs.count == bound)
        #expect(loaded.documents.first?.root["k\(bound - 1)"]?.scalar == "it's")
        let past = within + "over: \"it\\'s\"\n"
        let problem = try onlyProblem(load(past))
        #expect(problem.ruleID == "input-limit")
        #expect(problem.span?.line == bound + 1)
        #expect(problem.span?.column == 10)
    }

    @Test func slashEscapeIsRejectedAsGoYAMLRejectsIt() throws {
        // libyaml reads `\/` (YAML 1.2); kubectl's goyaml v2 fails the file on it.
        let problem = try onlyProblem(load("a: \"http://x\"\nb: \"caf\u{E9} &x\"\nc: &c \"a\\/b\"\n"))
        #expect(problem.ruleID == "yaml-syntax")
        #expect(problem.message.contains("`\\/`"))
        #expect(problem.span?.line == 3)
        #expect(problem.span?.column == 4)
        // A slash, escaped backslashes before a slash, a `\/` in single quotes or plain: all fine.
        let node = try root(#"{a: "x/y", b: "\\/", c: '\/', d: x\/y}"# + "\n")
        #expect(node["b"]?.scalar == #"\/"#)
        #expect(node["c"]?.scalar == #"\/"#)
    }

    @Test func backslashTabIsATab() throws {
        // goyaml v2 reads `\` followed by a tab as a tab (libyaml agrees); marks after it stay exact.
        let node = try root("a: \"x\\\ty\"\r\nb: z\r\n")
        #expect(node["a"]?.scalar == "x\ty")
        #expect(node["b"]?.start == mark(2, 4))
    }

    @Test func otherUnknownEscapesStayErrors() throws {
        // goyaml v2 rejects `\q` too: the error is libyaml's, at the escape.
        let problem = try onlyProblem(load("a: \"\\'\"\nb: \"x\\q\"\n"))
        #expect(problem.ruleID == "yaml-syntax")
        #expect(problem.message.contains("unknown escape"))
        #expect(problem.span?.line == 2)
        #expect(problem.span?.column == 6)
    }

    @Test func singleQuotedAndPlainScalarsKeepTheirBackslashes() throws {
        let node = try root(#"a: 'it\''s'"# + "\n" + #"b: x\'y"# + "\n")
        #expect(node["a"]?.scalar == #"it\'s"#)
        #expect(node["b"]?.scalar == #"x\'y"#)
    }
}
