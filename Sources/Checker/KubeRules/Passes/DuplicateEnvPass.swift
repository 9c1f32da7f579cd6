import KubeDiagnostics
import KubeModel
import KubeYAML

/// The same variable twice in one container's `env`: only the last counts.
/// Different values are a proven mistake (the first is silently ignored); the
/// same value repeated is only clutter (`duplicate-env-repeated`).
struct DuplicateEnvRule: Rule {
    let info = RuleInfo(
        id: .duplicateEnv,
        summary: "No environment variable is defined twice in one container with different values",
        why:
            "With two `env` entries of the same name the container sees only the later value (the API server only warns: `hides previous definition`), so the first value is silently ignored; `kubectl apply` merges env by name, so edits to either entry behave unpredictably.",
        fix: "Keep one entry per name with the value the container needs; delete the other."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        DuplicateEnv.findings(in: graph, sameValue: false, info: info)
    }
}

struct DuplicateEnvRepeatedRule: Rule {
    let info = RuleInfo(
        id: .duplicateEnvRepeated,
        summary: "No environment variable is repeated with the same value in one container",
        why:
            "A repeated entry changes nothing today, but an edit to one copy is silently overridden by the other, and `kubectl apply` merges env by name.",
        fix: "Delete the repeated entry.",
        defaultSeverity: .warning
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        DuplicateEnv.findings(in: graph, sameValue: true, info: info)
    }
}

enum DuplicateEnv {
    static func findings(in graph: ManifestGraph, sameValue: Bool, info: RuleInfo) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for workload in graph.workloads {
            let object = workload.object
            for container in workload.template.containers {
                var first: [String: EnvEntry] = [:]
                for entry in container.env {
                    guard let name = entry.name, let nameNode = entry.nameNode else { continue }
                    guard let earlier = first[name] else {
                        first[name] = entry
                        continue
                    }
                    guard sameValue == (source(of: earlier) == source(of: entry)) else { continue }
                    let place = container.name.map { "container \($0)" } ?? "this container"
                    let message =
                        sameValue
                        ? "env \(name) is defined twice in \(place) with the same value"
                        : "env \(name) is defined twice in \(place) with different values; only the later one takes effect"
                    findings.append(
                        info.diagnostic(
                            message, at: object.span(nameNode), object: object,
                            notes: [DiagnosticNote("first defined here", at: earlier.nameNode.map(object.span))],
                            fix: SuggestedFix("remove one of the two \(name) entries")))
                }
            }
        }
        return findings
    }

    /// What an entry sets, comparable: its literal value or its valueFrom, as written.
    private static func source(of entry: EnvEntry) -> String {
        if let value = entry.valueNode { return "value:" + (value.scalar ?? "") }
        guard let from = entry.node["valueFrom"] else { return "value:" }
        return "valueFrom:" + flatten(from)
    }

    private static func flatten(_ node: YAMLNode) -> String {
        if let scalar = node.scalar { return scalar }
        if node.isSequence { return "[" + node.items.map(flatten).joined(separator: ",") + "]" }
        return "{" + node.pairs.map { ($0.key.scalar ?? "") + ":" + flatten($0.value) }.sorted().joined(separator: ",")
            + "}"
    }
}
