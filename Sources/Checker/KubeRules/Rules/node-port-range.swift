import KubeDiagnostics
import KubeModel
import KubeYAML

/// A Service's nodePort lies in the cluster's NodePort range.
struct NodePortRangeRule: Rule {
    let info = RuleInfo(
        id: .nodePortRange,
        summary:
            "A Service's nodePort lies in the cluster's NodePort range (30000–32767 by default; `nodePortRange` in .kubewire.yaml)",
        why:
            "validation.go (ValidateServiceSpec) accepts any nodePort from 1 to 65535 (field-value checks that), but the API server's allocator then refuses a port outside the range it was started with (--service-node-port-range, default 30000-32767; pkg/registry/core/service/portallocator: `provided port is not in the valid range`), so the Service is rejected. The range belongs to the cluster, hence a rule of its own whose range .kubewire.yaml can set.",
        fix:
            "Pick a nodePort in the range, or leave nodePort out and let the cluster assign one; for a cluster started with another range set `nodePortRange: \"LOW-HIGH\"` in .kubewire.yaml."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        let range = context.nodePortRange
        var findings: [Diagnostic] = []
        for service in graph.services {
            let object = service.object
            for port in service.ports {
                // Outside 1–65535 is field-value's error already.
                guard let node = port.node["nodePort"], let number = node.int, (1...65535).contains(number),
                    !range.contains(number)
                else { continue }
                findings.append(
                    info.diagnostic(
                        "nodePort \(number) is outside the NodePort range \(range.lowerBound)-\(range.upperBound); the API server rejects the Service (`provided port is not in the valid range`)",
                        at: object.span(node), object: object,
                        fix: SuggestedFix(
                            "use a port from \(range.lowerBound) to \(range.upperBound), or remove nodePort to have one assigned"
                        )))
            }
        }
        return findings
    }
}
