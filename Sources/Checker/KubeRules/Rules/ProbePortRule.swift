import KubeDiagnostics
import KubeModel
import KubeYAML

/// A probe on a port the container does not declare fails forever: the pod
/// never becomes ready, or is restarted in a loop.
struct ProbePortRule: Rule {
    let info = RuleInfo(
        id: "probe-port",
        summary: "Probe ports (httpGet, tcpSocket, grpc; number or name) are declared by the probing container",
        why:
            "A readiness probe on the wrong port keeps the pod out of every Service (503); a liveness probe on it restarts the container forever. A named probe port must be declared on the same container.",
        fix: "Probe a containerPort of the same container, by number or by its port name."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for workload in graph.workloads {
            let object = workload.object
            for container in workload.template.containers {
                for probe in container.probes {
                    guard let port = probe.port, let portNode = probe.portNode else {
                        if probe.handler != .grpc || probe.portNode != nil {
                            findings.append(
                                info.diagnostic(
                                    "\(probe.kind.rawValue).\(probe.handler.rawValue) of container \(container.name ?? "?") has no port",
                                    at: object.span(probe.node), object: object))
                        }
                        continue
                    }
                    let primary = object.span(portNode)
                    let declared = container.ports
                    let what = "\(probe.kind.rawValue) of container \(container.name ?? "?")"
                    let note = DiagnosticNote(
                        declared.isEmpty
                            ? "container \(container.name ?? "?") declares no ports"
                            : "container \(container.name ?? "?") declares "
                                + declared.map {
                                    ($0.number.map(String.init) ?? "?") + ($0.name.map { " (\($0))" } ?? "")
                                }
                                .joined(separator: ", "),
                        at: object.span(container.node["ports"] ?? container.node))
                    switch port {
                    case .name(let name):
                        guard !declared.contains(where: { $0.name == name }) else { continue }
                        let names = declared.compactMap(\.name)
                        findings.append(
                            info.diagnostic(
                                "\(what) uses port name `\(name)`, which the container does not declare",
                                at: primary, object: object, notes: [note],
                                fix: (nearest(name, in: names) ?? (names.count == 1 ? names[0] : nil)).map {
                                    SuggestedFix("did you mean `\($0)`?", replacing: primary, with: $0)
                                }))
                    case .number(let number):
                        guard !declared.isEmpty, !declared.contains(where: { $0.number == number }) else { continue }
                        let numbers = declared.compactMap(\.number)
                        findings.append(
                            info.diagnostic(
                                "\(what) probes port \(number), but the container declares \(numbers.map(String.init).joined(separator: ", "))",
                                at: primary, object: object, notes: [note],
                                fix: numbers.min { abs($0 - number) < abs($1 - number) }.map {
                                    SuggestedFix("did you mean \($0)?", replacing: primary, with: String($0))
                                }))
                    }
                }
            }
        }
        return findings
    }
}
