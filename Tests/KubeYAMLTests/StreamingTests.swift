import Foundation
import KubeDiagnostics
import KubeYAML
import Testing

@Suite("streamed files and input limits")
struct StreamingTests {
    func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "kubeyaml-\(UUID().uuidString).yaml"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aFileLoadsLikeTheSameBytesInMemory() throws {
        // Over 16 KiB, so libyaml asks the read handler more than once.
        let text = (0..<2000).map { "key\($0): value-\($0)\n" }.joined()
        let path = try temporaryFile(Array(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let streamed = YAMLLoader.load(path: path)
        let inMemory = load(text)
        #expect(streamed.problems.isEmpty)
        let a = try #require(streamed.documents.first?.root)
        let b = try #require(inMemory.documents.first?.root)
        #expect(a.pairs.count == 2000)
        #expect(a["key1999"]?.string == "value-1999")
        #expect(a["key1999"]?.start == b["key1999"]?.start)
        #expect(streamed.file == path)
    }

    @Test func filesEndingAtAReadBoundaryOrEmptyOrWithAByteOrderMarkLoadWhole() throws {
        // Reads stop at the size fstat gave: a file of exactly 16 KiB (one full read, no short
        // one), an empty file, and one whose byte order mark libyaml never sees.
        var exact = (0..<900).map { "k\($0): v\n" }.joined()
        exact += String(repeating: "#", count: (1 << 14) - exact.utf8.count - 6) + "\nz: 1\n"
        #expect(exact.utf8.count == 1 << 14)
        let cases: [([UInt8], String?)] = [
            (Array(exact.utf8), "z"), ([], nil), ([0xEF, 0xBB, 0xBF] + Array("a: 1\nb: 2\n".utf8), "b"),
        ]
        for (bytes, last) in cases {
            let path = try temporaryFile(bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let loaded = YAMLLoader.load(path: path)
            #expect(loaded.problems.map(\.message) == load(bytes: bytes).problems.map(\.message))
            #expect(loaded.documents.first?.root.pairs.last?.key.scalar == last)
            #expect(loaded.mayHoldDoubleBrace == false)
        }
    }

    @Test func invalidUTF8DeepInAFileIsReportedAtItsLineAndColumn() throws {
        let prefix = Array((0..<3000).map { "k\($0): v\n" }.joined().utf8)
        let bytes = prefix + Array("bad: é".utf8).dropLast() + [0x41, 0x0A]
        let path = try temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let problem = try onlyProblem(YAMLLoader.load(path: path))
        #expect(problem.ruleID == InputProblem.unreadable.id)
        #expect(problem.span?.line == 3001)
        // The file is read again up to the offset: the same position as the bytes in memory give.
        let inMemory = try onlyProblem(load(bytes: bytes))
        #expect(problem.span?.column == inMemory.span?.column)
        #expect(problem.message == inMemory.message)
    }

    @Test func aFileOverTheLimitIsRefusedByItsSizeBeforeItIsRead() throws {
        let path = try temporaryFile(Array(String(repeating: "a: b\n", count: 100).utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let problem = try onlyProblem(YAMLLoader.load(path: path, limits: YAMLLimits(maxInputBytes: 64)))
        #expect(problem.ruleID == InputProblem.limit.id)
        // The exact size comes from the file's metadata: nothing had to be read to know it.
        #expect(problem.message == "input is 500 bytes; the limit is 64")
    }

    @Test func aScalarPastTheLimitStopsTheParseWithALimitProblem() throws {
        let text = "kind: ConfigMap\ndata:\n  blob: " + String(repeating: "x", count: 200_000) + "\n"
        let result = load(text, limits: YAMLLimits(maxScalarCharacters: 50_000))
        let problem = try onlyProblem(result)
        #expect(problem.ruleID == InputProblem.limit.id)
        #expect(problem.message.contains("50000 characters"))
        #expect(problem.span?.line == 3)
        // Under the limit, the same scalar loads whole.
        let loaded = try root(text)
        #expect(loaded["data"]?["blob"]?.string?.count == 200_000)
    }

    @Test func aMissingFileOrADirectoryIsUnreadable() throws {
        let missing = try onlyProblem(YAMLLoader.load(path: "/nonexistent/kubewire.yaml"))
        #expect(missing.ruleID == InputProblem.unreadable.id)
        #expect(missing.message.contains("no such file"))
        let directory = try onlyProblem(YAMLLoader.load(path: NSTemporaryDirectory(), name: "dir"))
        #expect(directory.span?.file == "dir")
        #expect(directory.message.contains("directory"))
    }
}
