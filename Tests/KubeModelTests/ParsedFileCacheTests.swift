import Foundation
import KubeModel
import Testing

/// A language server reloads the workspace after every edit; files that did not change are not parsed again.
@Suite struct ParsedFileCacheTests {
    func service(_ name: String) -> String {
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: \(name)\nspec:\n  ports: [{port: 80}]\n"
    }

    func names(_ loaded: LoadedManifests) -> [String] { loaded.graph.objects.map(\.name).sorted() }

    @Test func unchangedFilesAreReusedAndChangedOnesReadAgain() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kubewire-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = folder.appendingPathComponent("a.yaml")
        let b = folder.appendingPathComponent("b.yaml")
        try Data(service("one").utf8).write(to: a)
        try Data(service("two").utf8).write(to: b)
        var options = LoadOptions()
        options.parsedFiles = ParsedFileCache()

        #expect(names(ManifestLoader.load([.path(folder.path)], options: options)) == ["one", "two"])
        #expect(options.parsedFiles?.count == 2)
        // The same bytes: the same objects.
        #expect(names(ManifestLoader.load([.path(folder.path)], options: options)) == ["one", "two"])

        // Same size, new bytes: the change stamps differ, so the file is read again.
        try Data(service("uno").utf8).write(to: a)
        #expect(names(ManifestLoader.load([.path(folder.path)], options: options)) == ["two", "uno"])

        // Unsaved text takes the place of the file, and is itself part of the key.
        options.unsavedTexts = [a.path: service("draft")]
        #expect(names(ManifestLoader.load([.path(folder.path)], options: options)) == ["draft", "two"])
        options.unsavedTexts = [a.path: service("draft2")]
        #expect(names(ManifestLoader.load([.path(folder.path)], options: options)) == ["draft2", "two"])
        options.unsavedTexts = [:]
        #expect(names(ManifestLoader.load([.path(folder.path)], options: options)) == ["two", "uno"])

        // A deleted file is forgotten.
        try FileManager.default.removeItem(at: b)
        #expect(names(ManifestLoader.load([.path(folder.path)], options: options)) == ["uno"])
        #expect(options.parsedFiles?.count == 1)
    }
}

/// A walked file holding a Go or Jinja template action is not a manifest until rendered; the
/// loader reads a file again to look for one only when its bytes may hold `{{`.
@Suite struct WalkedTemplateTests {
    func service(_ name: String) -> String {
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: \(name)\nspec:\n  ports: [{port: 80}]\n"
    }

    @Test func aWalkedTemplateIsSkippedWhereverItsActionIs() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kubewire-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func write(_ name: String, _ text: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        let plain = try write("plain.yaml", service("plain") + "  # a brace { and a quoted \"{{ x }}\"\n")
        let early = try write("early.yaml", service("early") + "  selector:\n    app: {{ .Name }}\n")
        // Past libyaml's first 16 KiB read.
        let late = try write(
            "late.yaml",
            service("late") + String(repeating: "# padding\n", count: 2_000) + "  selector:\n    app: {{ .Name }}\n")
        var options = LoadOptions()
        options.skippableFiles = [plain, early, late]
        var loaded = ManifestLoader.load([.path(folder.path)], options: options)
        #expect(loaded.graph.objects.map(\.name) == ["plain"])
        #expect(Set(loaded.skippedFiles) == [early, late])

        // An unsaved text parsed in a template's place: the file on disk still decides, as before.
        options.unsavedTexts = [early: service("draft")]
        loaded = ManifestLoader.load([.path(folder.path)], options: options)
        #expect(loaded.graph.objects.map(\.name) == ["plain"])
    }
}
