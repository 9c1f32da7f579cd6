import Foundation
import KubeYAML
import Testing

@Suite("RealPaths: realpath's answers, each folder resolved once")
struct RealPathsTests {
    @Test func answersAsRealpathDoesForFilesLinksDotsAndMissingPaths() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kubewire-realpaths-\(UUID().uuidString)"
        )
        .path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = FileManager.default
        try manager.createDirectory(atPath: root + "/real/deeper", withIntermediateDirectories: true)
        try Data("a: 1\n".utf8).write(to: URL(fileURLWithPath: root + "/real/app.yaml"))
        try Data("a: 2\n".utf8).write(to: URL(fileURLWithPath: root + "/real/deeper/db.yaml"))
        // A linked folder, a linked file, and a link to a file in another folder.
        try manager.createSymbolicLink(atPath: root + "/linked", withDestinationPath: root + "/real")
        try manager.createSymbolicLink(atPath: root + "/real/alias.yaml", withDestinationPath: "deeper/db.yaml")
        let spellings = [
            root + "/real/app.yaml", root + "/linked/app.yaml", root + "/real/./app.yaml",
            root + "/real/deeper/../app.yaml", root + "/real//app.yaml", root + "/real/alias.yaml",
            root + "/linked/alias.yaml", root + "/linked/deeper/db.yaml", root + "/real/deeper/",
            root + "/real/missing.yaml", root + "/missing/app.yaml", root + "/real/app.yaml/x", root + "/real/..",
            "/", "/tmp",
        ]
        var paths = RealPaths()
        for spelling in spellings + spellings {
            #expect(paths.resolve(spelling) == RealPaths.realpath(spelling), "\(spelling)")
        }
        #expect(paths.resolve(root + "/linked/app.yaml") == RealPaths.realpath(root + "/real/app.yaml"))
        #expect(paths.resolve(root + "/real/alias.yaml") == RealPaths.realpath(root + "/real/deeper/db.yaml"))
        #expect(paths.resolve(root + "/real/missing.yaml") == nil)
    }

    @Test func aRelativeNameResolvesInTheWorkingFolder() throws {
        var paths = RealPaths()
        let working = FileManager.default.currentDirectoryPath
        let entry = try #require(try FileManager.default.contentsOfDirectory(atPath: working).first)
        #expect(paths.resolve(entry) == RealPaths.realpath(working + "/" + entry))
    }
}

@Suite("whether an input may hold a template's {{")
struct DoubleBraceTests {
    @Test func falseOnlyWhenEveryByteWasReadAndNoneIsADoubleBrace() {
        #expect(!load("a: {b: {c: 1}}\nd: '{'\n").mayHoldDoubleBrace)
        #expect(load("name: {{ .Name }}\n").mayHoldDoubleBrace)
        #expect(load("data:\n  alert: \"{{ $labels.pod }}\"\n").mayHoldDoubleBrace)
        // A parse that stops early has not seen the rest of the bytes.
        #expect(load("a: [1\nb: 2\n").mayHoldDoubleBrace)
    }

    @Test func aDoubleBraceAcrossTwoReadsOfAFileIsSeen() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kubewire-brace-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: url) }
        // libyaml reads 16 KiB at a time: a `{` ends the first read, the next one starts the second.
        for split in [16_384, 16_383, 16_385] {
            let prefix = "a: \"" + String(repeating: "x", count: split - 5) + "{"
            let text = prefix + "{\"\n"
            try Data(text.utf8).write(to: url)
            #expect(YAMLLoader.load(path: url.path).problems.isEmpty)
            #expect(YAMLLoader.load(path: url.path).mayHoldDoubleBrace, "split at \(split)")
            try Data((prefix + "}\"\n").utf8).write(to: url)
            #expect(!YAMLLoader.load(path: url.path).mayHoldDoubleBrace, "split at \(split)")
        }
    }
}
