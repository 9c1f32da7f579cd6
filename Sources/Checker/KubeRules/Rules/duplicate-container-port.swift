import KubeDiagnostics
import KubeModel
import KubeYAML

/// The same containerPort twice in one container: the API server only warns.
struct DuplicateContainerPortRule: Rule {
    let info = RuleInfo(
        id: .duplicateContainerPort,
        summary: "A container does not declare the same containerPort and protocol twice",
        why:
            "The API server accepts it with a warning (kubernetes/kubernetes pkg/api/pod/warnings.go: `duplicate port definition with spec.containers[0].ports[0]`); usually a copy-paste, and harmless: the pod runs the same. A note, not a warning: nothing breaks, and on real repositories the repeats found did no harm.",
        fix: "Remove the duplicate port entry.",
        defaultSeverity: .note
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for workload in graph.workloads {
            let object = workload.object
            for container in workload.template.containers {
                // Distinct numbers and protocols, as nearly always: no finding, and no table to build.
                if Self.allDistinct(container.ports) { continue }
                var numbers: [String: YAMLNode] = [:]
                for port in container.ports {
                    if let number = port.number, let numberNode = port.node["containerPort"] {
                        let key = "\(number)/\(port.protocol)"
                        if let earlier = numbers[key] {
                            let place = container.name.map { "container \($0)" } ?? "one container"
                            findings.append(
                                info.diagnostic(
                                    "containerPort \(number)/\(port.protocol) is declared twice in \(place)",
                                    at: object.span(numberNode), object: object,
                                    notes: [DiagnosticNote("first declared here", at: object.span(earlier))],
                                    fix: SuggestedFix("remove the duplicate port entry")))
                        } else {
                            numbers[key] = numberNode
                        }
                    }
                }
            }
        }
        return findings
    }

    /// Whether no two ports with a number share number and protocol (pairwise: a container declares a handful).
    private static func allDistinct(_ ports: [ContainerPort]) -> Bool {
        for (index, port) in ports.enumerated() {
            guard let number = port.number else { continue }
            if ports[(index + 1)...].contains(where: { $0.number == number && $0.protocol == port.protocol }) {
                return false
            }
        }
        return true
    }
}
