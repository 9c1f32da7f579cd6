import KubeDiagnostics
import KubeModel
import KubeYAML

/// The same variable twice in one container's `env`: only the last counts.
struct DuplicateEnvRule: Rule {
    let info = RuleInfo(
        id: "duplicate-env",
        summary: "No environment variable is defined twice in one container",
        why:
            "With two `env` entries of the same name the container sees only the later value (the API server only warns: `hides previous definition`), and `kubectl apply` merges env by name, so edits to either entry behave unpredictably.",
        fix: "Keep one entry per name; delete or rename the other.",
        defaultSeverity: .warning
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
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
                    let place = container.name.map { "container \($0)" } ?? "this container"
                    findings.append(
                        info.diagnostic(
                            "env \(name) is defined twice in \(place); only the later value takes effect",
                            at: object.span(nameNode), object: object,
                            notes: [DiagnosticNote("first defined here", at: earlier.nameNode.map(object.span))],
                            fix: SuggestedFix("remove one of the two \(name) entries")))
                }
            }
        }
        return findings
    }
}
