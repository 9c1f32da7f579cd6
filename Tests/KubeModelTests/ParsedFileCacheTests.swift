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
