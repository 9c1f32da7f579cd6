import KubeDiagnostics
import KubeModel
import KubeYAML

/// A Service port whose targetPort no selected pod declares. A named one
/// (or a number declared for another protocol) is proven wrong: the pod gets
/// no endpoint for it. A number the containers do not declare may still be
/// served (declaring containerPort is informational): that is the separate
/// warning `service-target-port-undeclared`.
struct ServiceTargetPortRule: Rule {
    let info = RuleInfo(
        id: "service-target-port",
        summary:
            "A named Service targetPort is declared by every pod it selects, and a numeric one with the same protocol",
        why:
            "A named targetPort missing from a pod gives that pod no endpoint (503 through the ingress); traffic sent as TCP to a port the container declares only as UDP (or the reverse) is refused. Every Ingress path and service URL through that port breaks with it; they are listed as notes.",
        fix:
            "Set targetPort to a containerPort name the pods declare (or its number), with the same protocol on both sides."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        ServiceTargetPorts.findings(in: graph, proven: true, info: info)
    }
}

/// A numeric targetPort that the selected containers do not declare, while they declare others.
struct ServiceTargetPortUndeclaredRule: Rule {
    let info = RuleInfo(
        id: "service-target-port-undeclared",
        summary: "A numeric Service targetPort is among the containerPorts the selected pods declare",
        why:
            "The kubelet does not need containerPort declarations, so a pod may serve a port it does not declare; but when its containers declare other ports, a targetPort outside them is usually a typo that gives connection refused (502 through the ingress). Containers that declare no ports are not reported.",
        fix: "Set targetPort to one of the declared containerPorts, or declare the port the container listens on.",
        defaultSeverity: .warning
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        ServiceTargetPorts.findings(in: graph, proven: false, info: info)
    }
}

enum ServiceTargetPorts {
    /// Findings of one of the two rules: `proven` ones (errors) or undeclared numbers.
    static func findings(in graph: ManifestGraph, proven: Bool, info: RuleInfo) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for service in graph.services where service.selectsPods {
            let workloads = graph.workloads(selectedBy: service)
            for port in service.ports {
                guard let target = port.effectiveTarget else { continue }
                // The first pod that breaks the port decides: an error wins over a warning.
                for workload in workloads {
                    guard let finding = check(service, port, target, workload, graph: graph, info: info) else {
                        continue
                    }
                    // Only the wanted rule's finding is built: its notes scan every workload's URLs.
                    if finding.proven == proven { findings.append(finding.diagnostic()) }
                    break
                }
            }
        }
        return findings
    }

    private static func check(
        _ service: Service, _ port: ServicePort, _ target: PortReference, _ workload: Workload, graph: ManifestGraph,
        info: RuleInfo
    ) -> (proven: Bool, diagnostic: () -> Diagnostic)? {
        // The common case, a declared port, is settled without copying containers or building text.
        // A port the API server rejects is reported by the schema rules: nothing to compare with.
        for container in workload.template.containers where container.servesTraffic {
            for declared in container.ports {
                guard declared.isWellFormed, declared.protocol != port.protocol || !target.matches(declared) else {
                    return nil
                }
            }
        }
        let containers = workload.template.servingContainers
        let declared = containers.flatMap(\.ports)
        let object = service.object
        let owner = workload.object.title
        let anchor = port.targetPortNode ?? port.node["port"] ?? port.node
        let primary = object.span(anchor)
        let written = port.targetPort == nil ? "port \(target) (targetPort defaults to port)" : "targetPort \(target)"
        func notes(_ breakage: Wiring.Breakage) -> [DiagnosticNote] {
            [
                DiagnosticNote(
                    declared.isEmpty
                        ? "the containers of \(owner) declare no ports"
                        : "\(owner) declares \(declared.map(describe).joined(separator: ", "))",
                    at: (containers.first { !$0.ports.isEmpty }?.node["ports"] ?? workload.template.specNode)
                        .map(workload.object.span))
            ] + Wiring.users(of: service, port: port, in: graph, breakage: breakage)
        }
        switch target {
        case .number(let number):
            if let other = declared.first(where: { $0.number == number }) {
                return (
                    true,
                    {
                        info.diagnostic(
                            "Service \(object.displayName) sends \(port.protocol) to \(written), but \(owner) declares it as \(other.protocol)",
                            at: primary, object: object, notes: notes(.refused),
                            fix: SuggestedFix("use the same protocol on both sides"))
                    }
                )
            }
            // Nothing declared: nothing to compare with, and serving undeclared ports is legal.
            guard !declared.isEmpty else { return nil }
            let candidates = declared.filter { $0.protocol == port.protocol }.compactMap(\.number)
            let guess = PortNumbers.nearest(to: number, among: candidates)
            return (
                false,
                {
                    info.diagnostic(
                        "Service \(object.displayName) targets \(written), but the containers of \(owner) declare only \(declared.map(describe).joined(separator: ", "))",
                        at: primary, object: object, notes: notes(.refused),
                        fix: guess.map {
                            SuggestedFix(
                                "did you mean \($0)?", replacing: port.targetPortNode.map(object.span),
                                with: port.targetPortNode == nil ? nil : String($0))
                        })
                }
            )
        case .name(let name):
            let names = declared.compactMap(\.name)
            let guess = nearest(name, in: names) ?? (names.count == 1 ? names[0] : nil)
            return (
                true,
                {
                    info.diagnostic(
                        "Service \(object.displayName) targets the port named `\(name)`, but no container of \(owner) declares a \(port.protocol) port with that name; the pods get no endpoint (503)",
                        at: primary, object: object, notes: notes(.noEndpoints),
                        fix: guess.map { SuggestedFix("did you mean `\($0)`?", replacing: primary, with: $0) }
                            ?? SuggestedFix("name the container port `\(name)` or target its number"))
                }
            )
        }
    }

    private static func describe(_ port: ContainerPort) -> String {
        var text = port.number.map(String.init) ?? "?"
        if let name = port.name { text += " (\(name))" }
        if port.protocol != "TCP" { text += "/\(port.protocol)" }
        return text
    }
}
