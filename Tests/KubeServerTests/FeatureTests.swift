import Foundation
import KubeDiagnostics
import KubeModel
import Testing

@testable import KubeServer

/// Go to definition over a graph, and findings turned into LSP diagnostics and quick fixes.
@Suite struct DefinitionTests {
    static let manifests = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          LOG_LEVEL: debug
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: posts
        spec:
          selector:
            matchLabels: {app: posts}
          template:
            metadata:
              labels:
                app: posts
            spec:
              containers:
                - name: posts
                  image: posts:1
                  env:
                    - name: LOG_LEVEL
                      valueFrom:
                        configMapKeyRef:
                          name: settings
                          key: LOG_LEVEL
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: posts-srv
        spec:
          selector:
            app: posts
          ports:
            - name: http
              port: 80
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
        spec:
          ingressClassName: nginx
          rules:
            - http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: posts-srv
                        port:
                          name: http

        """

    let graph = ManifestLoader.load(text: manifests, name: "/w/all.yaml").graph

    func target(_ line: Int, _ column: Int) -> [String] {
        Definitions.targets(in: [graph], file: "/w/all.yaml", line: line, column: column).map {
            "\($0.line):\($0.column)"
        }
    }

    @Test func aConfigMapKeyLeadsToTheKeyAndItsNameToTheConfigMap() {
        #expect(target(28, 26) == ["6:3"])  // key: LOG_LEVEL → data.LOG_LEVEL
        #expect(target(27, 27) == ["4:9"])  // name: settings → metadata.name
    }

    @Test func aSelectorValueLeadsToThePodLabelsItSelects() {
        #expect(target(36, 12) == ["18:14"])
    }

    @Test func anIngressBackendLeadsToTheServiceAndItsPort() {
        #expect(target(54, 25) == ["33:9"])
        #expect(target(56, 26) == ["38:7"])
    }

    @Test func elsewhereThereIsNoDefinition() {
        #expect(target(2, 3).isEmpty)
        #expect(target(11, 9).isEmpty)
    }
}

@Suite struct DiagnosticConversionTests {
    @Test func notesBecomeRelatedLocationsInTheirOwnFilesAndFixesBecomeEdits() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kubeserver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let service = folder.appendingPathComponent("service.yaml").path
        let deploy = folder.appendingPathComponent("deploy.yaml").path
        try Data("labels:\n  app: pösts\n".utf8).write(to: URL(fileURLWithPath: deploy))
        let unsaved = "selector:\n  app: 😀ports\n"
        let finding = Diagnostic(
            ruleID: "service-selector", severity: .error,
            span: SourceSpan(file: service, line: 2, column: 9, endLine: 2, endColumn: 14),
            message: "no pod has app: ports",
            notes: [
                DiagnosticNote(
                    "pods are labelled here", at: SourceSpan(file: deploy, line: 2, column: 8, endColumn: 13)),
                DiagnosticNote("the namespace is default"),
            ],
            fix: SuggestedFix(
                "did you mean `app: posts`?", replacing: SourceSpan(file: service, line: 2, column: 9, endColumn: 14),
                with: "posts"))
        var converter = DiagnosticConverter(
            unsavedTexts: [service: unsaved], openURIs: [service: "file:///editor/spelling"])
        let snapshot = converter.snapshot(of: [
            finding, Diagnostic(ruleID: "no-objects", severity: .error, span: nil, message: "x"),
        ])

        #expect(snapshot.files.keys.sorted() == ["file:///editor/spelling"])
        let file = try #require(snapshot.files["file:///editor/spelling"])
        let diagnostic = try #require(file.diagnostics.first)
        // Column 9 (`ports`) comes after the emoji, two UTF-16 units: character 9, not 8.
        #expect(
            diagnostic["range"]
                == TextRange(start: Position(line: 1, character: 9), end: Position(line: 1, character: 14)).json)
        #expect(diagnostic["code"] == "service-selector")
        #expect(diagnostic["severity"] == 1)
        #expect(diagnostic["source"] == "kubewire")
        #expect(
            diagnostic["message"]?.string
                == "no pod has app: ports\nnote: the namespace is default\nhelp: did you mean `app: posts`?")
        let related = try #require(diagnostic["relatedInformation"]?.array?.first)
        #expect(related["location"]?["uri"]?.string == URL(fileURLWithPath: deploy).absoluteString)
        #expect(
            related["location"]?["range"]
                == TextRange(start: Position(line: 1, character: 7), end: Position(line: 1, character: 12)).json)
        #expect(diagnostic["codeDescription"] == nil)

        let fix = try #require(file.fixes.first)
        let edit = try #require(fix.edits.first)
        #expect(fix.edits.count == 1)
        #expect(edit.uri == "file:///editor/spelling")
        #expect(edit.newText == "posts")
        #expect(edit.range == TextRange(start: Position(line: 1, character: 9), end: Position(line: 1, character: 14)))
        // Machine-applicable (the default of `SuggestedFix(_:replacing:with:)`): fix-all applies it too.
        #expect(file.fixable.map(\.ruleID) == ["service-selector"])
    }
}
