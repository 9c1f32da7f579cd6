import KubeDiagnostics
import KubeYAML
import Testing

/// The words these tests load with, as KubeModel passes the API's (KubeYAML knows no Kubernetes):
/// those of `SharedTextTests.deployment` but its own values, and none of the tests' other keys.
let testVocabulary = YAMLVocabulary(words: [
    "apiVersion", "apps/v1", "kind", "Deployment", "metadata", "name", "labels", "app", "spec", "replicas",
    "selector", "matchLabels", "template", "containers", "image", "imagePullPolicy", "IfNotPresent", "ports",
    "containerPort", "protocol", "TCP",
])

/// Loads `text` and returns the result; the file name is always `t.yaml`.
func load(_ text: String, limits: YAMLLimits = YAMLLimits()) -> YAMLLoadResult {
    YAMLLoader.load(text: text, file: "t.yaml", limits: limits, vocabulary: testVocabulary)
}

func load(bytes: [UInt8], limits: YAMLLimits = YAMLLimits()) -> YAMLLoadResult {
    bytes.withUnsafeBytes { YAMLLoader.load(bytes: $0, file: "t.yaml", limits: limits, vocabulary: testVocabulary) }
}

/// The root of the only document of a stream that must load cleanly.
func root(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> YAMLNode {
    let result = load(text)
    #expect(
        result.problems.isEmpty, "unexpected problems: \(result.problems.map(\.message))",
        sourceLocation: sourceLocation)
    #expect(result.documents.count == 1, sourceLocation: sourceLocation)
    return try #require(result.documents.first?.root, sourceLocation: sourceLocation)
}

func mark(_ line: Int32, _ column: Int32) -> Mark { Mark(line: line, column: column) }

/// The only problem of a load, which must have exactly one.
func onlyProblem(_ result: YAMLLoadResult, sourceLocation: SourceLocation = #_sourceLocation) throws -> Diagnostic {
    #expect(result.problems.count == 1, "problems: \(result.problems.map(\.message))", sourceLocation: sourceLocation)
    return try #require(result.problems.first, sourceLocation: sourceLocation)
}
