import Foundation
import KubeModel
import KubeYAML
import Testing

@Suite("ManifestLoader on text")
struct LoaderTextTests {
    @Test func objectsCarryIdentityFileAndDocumentIndex() throws {
        let loaded = loadText(
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: shop
            ---
            # an empty document is skipped
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              generateName: cfg-
            """)
        #expect(loaded.problems.isEmpty)
        #expect(loaded.inputNames == ["m.yaml"])
        let objects = loaded.graph.objects
        #expect(objects.count == 2)
        let service = try #require(objects.first)
        #expect(service.kind == "Service")
        #expect(service.apiVersion == "v1")
        #expect(service.name == "web")
        #expect(service.namespace == "shop")
        #expect(service.file == "m.yaml")
        #expect(service.documentIndex == 0)
        #expect(service.reference.description == "Service shop/web")
        #expect(service.apiGroup == "")
        let config = try #require(objects.last)
        #expect(config.name == "cfg-")
        #expect(config.namespace == "default")
        #expect(config.documentIndex == 2)
        // In-memory texts are kept for quoting.
        #expect(loaded.sources.line(2, in: "m.yaml") == "kind: Service")
    }

    @Test func namespaceDefaultAndOption() {
        let text = """
            apiVersion: v1
            kind: Service
            metadata: {name: a}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: b, namespace: ""}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: c, namespace: kept}
            """
        #expect(loadText(text).graph.objects.map(\.namespace) == ["default", "default", "kept"])
        #expect(loadText(text, namespace: "team").graph.objects.map(\.namespace) == ["team", "team", "kept"])
        #expect(loadText(text, namespace: "team").graph.namespaces == ["team", "kept"])
    }

    @Test func v1ListIsExpanded() throws {
        let loaded = loadText(
            """
            apiVersion: v1
            kind: List
            items:
              - apiVersion: v1
                kind: Service
                metadata: {name: one}
              - apiVersion: apps/v1
                kind: Deployment
                metadata: {name: two, namespace: other}
                spec: {}
            """)
        #expect(loaded.problems.isEmpty)
        #expect(loaded.graph.objects.map(\.name) == ["one", "two"])
        #expect(loaded.graph.objects.map(\.namespace) == ["default", "other"])
        #expect(loaded.graph.objects.first?.root.start.line == 4)
        #expect(loaded.graph.services.count == 1)
    }

    @Test func typedListIsExpanded() {
        let loaded = loadText(
            """
            apiVersion: apps/v1
            kind: DeploymentList
            items:
            \(deployment("a").split(separator: "\n").enumerated().map { $0.offset == 0 ? "  - " + $0.element : "    " + $0.element }.joined(separator: "\n"))
            """)
        #expect(loaded.problems.isEmpty)
        #expect(loaded.graph.objects.map(\.kind) == ["Deployment"])
        #expect(loaded.graph.workloads.count == 1)
    }

    @Test func kindEndingInListWithoutItemsIsAnObject() {
        let loaded = loadText("apiVersion: example.com/v1\nkind: AllowList\nmetadata: {name: x}\n")
        #expect(loaded.problems.isEmpty)
        #expect(loaded.graph.objects.map(\.kind) == ["AllowList"])
    }

    @Test func problemsInsideAListHaveTheirPositions() throws {
        let loaded = loadText("apiVersion: v1\nkind: List\nitems:\n  - kind: Service\n    metadata: {name: x}\n")
        let problem = try #require(loaded.problems.first)
        #expect(loaded.problems.count == 1)
        #expect(problem.ruleID == "not-an-object")
        #expect(problem.message.contains("apiVersion"))
        #expect(problem.span?.line == 4)
        #expect(problem.span?.column == 5)
    }

    @Test(
        "documents that are not objects",
        arguments: [
            ("- a\n- b\n", "sequence", 1, 1),
            ("just text\n", "scalar", 1, 1),
            ("apiVersion: v1\nmetadata: {name: x}\n", "no `kind`", 1, 1),
            ("kind: \"\"\napiVersion: v1\n", "no `kind`", 1, 1),
            ("---\n\n  kind: Service\n  metadata: {}\n", "no `apiVersion`", 3, 3),
        ])
    func notAnObject(_ text: String, _ fragment: String, _ line: Int, _ column: Int) throws {
        let loaded = loadText(text)
        #expect(loaded.graph.objects.isEmpty)
        let problem = try #require(loaded.problems.first)
        #expect(loaded.problems.count == 1)
        #expect(problem.ruleID == "not-an-object")
        #expect(problem.severity == .error)
        #expect(problem.message.contains(fragment))
        #expect(problem.span?.file == "m.yaml")
        #expect(problem.span?.line == line)
        #expect(problem.span?.column == column)
    }

    @Test func yamlProblemsAreForwarded() throws {
        let loaded = loadText("apiVersion: v1\nkind: Service\nkind: Pod\nmetadata: {name: x}\n")
        let problem = try #require(loaded.problems.first)
        #expect(problem.ruleID == "duplicate-key")
        #expect(problem.span?.line == 3)
        // The object still loads with the first value.
        #expect(loaded.graph.objects.first?.kind == "Service")
    }

    @Test func limitsComeFromTheOptions() throws {
        let options = LoadOptions(limits: YAMLLimits(maxInputBytes: 8))
        let loaded = ManifestLoader.load(text: "apiVersion: v1\n", name: "m.yaml", options: options)
        #expect(loaded.problems.first?.ruleID == "input-limit")
        #expect(LoadOptions(concurrency: 0).concurrency == 1)
    }
}

@Suite("ManifestLoader on files and folders")
struct LoaderFileTests {
    @Test func folderWalkIsRecursiveAndSkipsHiddenAndOtherFiles() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let service = { (name: String) in "apiVersion: v1\nkind: Service\nmetadata: {name: \(name)}\n" }
        try write(service("top"), to: dir.appendingPathComponent("a.yaml"))
        try write(service("yml"), to: dir.appendingPathComponent("b.yml"))
        try write(service("deep"), to: dir.appendingPathComponent("sub/deeper/c.yaml"))
        try write(service("txt"), to: dir.appendingPathComponent("notes.txt"))
        // kubectl apply -f DIR reads .json too.
        try write(
            #"{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "json"}}"#,
            to: dir.appendingPathComponent("x.json"))
        try write(service("hidden"), to: dir.appendingPathComponent(".hidden.yaml"))
        try write(service("hidden-dir"), to: dir.appendingPathComponent(".git/d.yaml"))
        try write(service("in-hidden"), to: dir.appendingPathComponent("sub/.cache/e.yaml"))
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("folder.yaml"), withIntermediateDirectories: true)

        let loaded = ManifestLoader.load([.path(dir.path)])
        #expect(loaded.problems.isEmpty)
        #expect(Set(loaded.graph.objects.map(\.name)) == ["top", "yml", "deep", "json"])
        #expect(loaded.inputNames.count == 4)
        #expect(loaded.inputNames == loaded.inputNames.sorted())
        #expect(loaded.inputNames.allSatisfy { $0.hasPrefix(dir.path + "/") })
        #expect(loaded.graph.objects.first { $0.name == "deep" }?.file == dir.path + "/sub/deeper/c.yaml")
    }

    @Test func walkedJSONWithoutObjectsIsSkippedLikeYAML() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let manifest = dir.appendingPathComponent("deploy/cm.json").path
        let package = dir.appendingPathComponent("package.json").path
        let dashboard = dir.appendingPathComponent("dashboards/board.json").path
        // Tabs indent JSON, which libyaml reads inside flow collections.
        try write(
            "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"ConfigMap\",\n\t\"metadata\": {\"name\": \"settings\"}\n}\n",
            to: URL(fileURLWithPath: manifest))
        try write(
            #"{"name": "app", "version": "1.0.0", "scripts": {"test": "jest"}}"#, to: URL(fileURLWithPath: package))
        try write(#"{"title": "Pods", "panels": [{"type": "graph"}]}"#, to: URL(fileURLWithPath: dashboard))
        var options = LoadOptions()
        options.skippableFiles = [manifest, package, dashboard]
        let loaded = ManifestLoader.load([.path(dir.path)], options: options)
        #expect(loaded.problems.isEmpty)
        #expect(loaded.graph.objects.map(\.name) == ["settings"])
        #expect(Set(loaded.skippedFiles) == [package, dashboard])
    }

    @Test func linksToFilesCountAndLinksToFoldersAreNotFollowed() throws {
        let dir = try makeTemporaryDirectory()
        let elsewhere = try makeTemporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: dir)
            try? FileManager.default.removeItem(at: elsewhere)
        }
        let service = { (name: String) in "apiVersion: v1\nkind: Service\nmetadata: {name: \(name)}\n" }
        try write(service("target"), to: elsewhere.appendingPathComponent("target.yaml"))
        try write(service("outside"), to: elsewhere.appendingPathComponent("sub/outside.yaml"))
        try FileManager.default.createSymbolicLink(
            at: dir.appendingPathComponent("linked.yaml"),
            withDestinationURL: elsewhere.appendingPathComponent("target.yaml"))
        try FileManager.default.createSymbolicLink(
            at: dir.appendingPathComponent("dangling.yaml"),
            withDestinationURL: elsewhere.appendingPathComponent("missing.yaml"))
        try FileManager.default.createSymbolicLink(
            at: dir.appendingPathComponent("folder"), withDestinationURL: elsewhere.appendingPathComponent("sub"))

        let loaded = ManifestLoader.load([.path(dir.path)])
        #expect(loaded.problems.isEmpty)
        #expect(loaded.graph.objects.map(\.name) == ["target"])
        #expect(loaded.inputNames == [dir.path + "/linked.yaml"])
    }

    @Test(.enabled(if: getuid() != 0, "root lists every folder whatever its mode"))
    func aFolderThatCannotBeListedIsAProblem() throws {
        let dir = try makeTemporaryDirectory()
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir.path)
            try? FileManager.default.removeItem(at: dir)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: dir.path)
        let problem = try #require(ManifestLoader.load([.path(dir.path)]).problems.first)
        #expect(problem.message.contains("cannot list this directory"))
    }

    @Test func trailingSlashAndDuplicateInputsAreReadOnce() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("a.yaml")
        try write("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n", to: file)
        let loaded = ManifestLoader.load([.path(dir.path + "/"), .path(file.path)])
        #expect(loaded.graph.objects.count == 1)
        #expect(loaded.inputNames == [file.path])
    }

    @Test func knownRegularFilesAreReadOnceByTheirGivenRealPaths() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("a.yaml")
        try write("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n", to: file)
        var options = LoadOptions()
        let other = dir.path + "/./a.yaml"
        options.knownRegularFiles = [file.path: "/real/a.yaml", other: "/real/a.yaml"]
        let loaded = ManifestLoader.load([.path(file.path), .path(other)], options: options)
        #expect(loaded.graph.objects.count == 1)
        #expect(loaded.inputNames == [file.path])
        #expect(loaded.problems.isEmpty)
    }

    @Test func explicitFileWithAnyExtensionIsRead() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("manifest.txt")
        try write("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n", to: file)
        #expect(ManifestLoader.load([.path(file.path)]).graph.objects.count == 1)
    }

    @Test func missingPathIsAProblem() throws {
        let loaded = ManifestLoader.load([.path("/nonexistent/kubewire/x.yaml")])
        let problem = try #require(loaded.problems.first)
        #expect(problem.ruleID == "unreadable-input")
        #expect(problem.span?.file == "/nonexistent/kubewire/x.yaml")
        #expect(loaded.graph.objects.isEmpty)
    }

    @Test func manyFilesParsedConcurrentlyKeepTheirOrder() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for index in 0..<40 {
            let name = String(format: "f%03d", index)
            try write(
                "apiVersion: v1\nkind: Service\nmetadata: {name: \(name)}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: \(name)}\n",
                to: dir.appendingPathComponent("\(name).yaml"))
        }
        let loaded = ManifestLoader.load([.path(dir.path)], options: LoadOptions(concurrency: 4))
        #expect(loaded.problems.isEmpty)
        #expect(loaded.graph.objects.count == 80)
        #expect(loaded.graph.services.map(\.object.name) == (0..<40).map { String(format: "f%03d", $0) })
    }

    @Test func syntaxErrorInOneFileDoesNotHideOthers() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("apiVersion: v1\nkind: Service\nmetadata: {name: ok}\n", to: dir.appendingPathComponent("a.yaml"))
        try write("a: [\n", to: dir.appendingPathComponent("b.yaml"))
        let loaded = ManifestLoader.load([.path(dir.path)])
        #expect(loaded.graph.objects.map(\.name) == ["ok"])
        #expect(loaded.problems.map(\.ruleID) == ["yaml-syntax"])
        #expect(loaded.problems.first?.span?.file == dir.path + "/b.yaml")
    }

    @Test func manifestInputArgument() {
        #expect(ManifestInput(argument: "-") == .standardInput)
        #expect(ManifestInput(argument: "k8s/") == .path("k8s/"))
    }
}
