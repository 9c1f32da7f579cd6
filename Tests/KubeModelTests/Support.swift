import Foundation
import KubeModel
import KubeYAML
import Testing

/// Loads manifests held in memory under the name `m.yaml`.
func loadText(_ text: String, namespace: String = "default") -> LoadedManifests {
    ManifestLoader.load(text: text, name: "m.yaml", options: LoadOptions(defaultNamespace: namespace))
}

/// The graph of manifests that must load without problems.
func graph(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ManifestGraph {
    let loaded = loadText(text)
    #expect(
        loaded.problems.isEmpty, "unexpected problems: \(loaded.problems.map(\.message))",
        sourceLocation: sourceLocation)
    return loaded.graph
}

/// A fresh temporary folder, removed by `body`'s caller via `defer`.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("kubewire-model-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func write(_ text: String, to url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
}

func deployment(_ name: String, labels: String = "app: web", namespace: String? = nil) -> String {
    """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: \(name)
    \(namespace.map { "  namespace: \($0)\n" } ?? "")spec:
      selector:
        matchLabels: {\(labels)}
      template:
        metadata:
          labels: {\(labels)}
        spec:
          containers:
            - name: c
              image: img
    """
}
