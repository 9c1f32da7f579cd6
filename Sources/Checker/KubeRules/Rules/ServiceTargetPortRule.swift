import KubeDiagnostics
import KubeModel
import KubeYAML

/// A Service port whose targetPort no selected pod listens on: a named one
/// leaves the pod out of the endpoints (503), a wrong number refuses (502).
struct ServiceTargetPortRule: Rule {
    let info = RuleInfo(
        id: "service-target-port",
        summary: "Service targetPort (number, name, or defaulted to port) is a containerPort of every pod it selects",
        why:
            "A named targetPort missing from a pod gives that pod no endpoint (503 through the ingress); a numeric one nothing listens on gives connection refused (502). The protocol must agree too.",
        fix:
            "Set targetPort to the containerPort number or name the pods declare (and the same protocol), or declare that port on the container."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for service in graph.services where service.selectsPods {
            let workloads = graph.workloads(selectedBy: service)
            for port in service.ports {
                guard let target = port.effectiveTarget else { continue }
                for workload in workloads {
                    if let finding = check(service, port, target, workload) {
                        findings.append(finding)
                        break  // one finding per Service port is enough to act on
                    }
                }
            }
        }
        return findings
    }

    private func check(_ service: Service, _ port: ServicePort, _ target: PortReference, _ workload: Workload)
        -> Diagnostic?
    {
        let object = service.object
        let containers = workload.template.servingContainers
        let declared = containers.flatMap(\.ports)
        let owner = "\(workload.object.kind) \(workload.object.name)"
        let anchor = port.targetPortNode ?? port.node["port"] ?? port.node
        let primary = object.span(anchor)
        let written = port.targetPort == nil ? "port \(target) (targetPort defaults to port)" : "targetPort \(target)"
        let portsNote = DiagnosticNote(
            declared.isEmpty
                ? "the containers of \(owner) declare no ports"
                : "\(owner) declares \(declared.map(Self.describe).joined(separator: ", "))",
            at: (containers.first { !$0.ports.isEmpty }?.node["ports"] ?? workload.template.specNode)
                .map(workload.object.span))
        switch target {
        case .number(let number):
            if declared.contains(where: { $0.number == number && $0.protocol == port.protocol }) { return nil }
            if let other = declared.first(where: { $0.number == number }) {
                return info.diagnostic(
                    "Service \(object.name) sends \(port.protocol) to \(written), but \(owner) declares it as \(other.protocol)",
                    at: primary, object: object, notes: [portsNote],
                    fix: SuggestedFix("use the same protocol on both sides"))
            }
            guard !declared.isEmpty else {
                return info.diagnostic(
                    "Service \(object.name) targets \(written), but \(owner) declares no containerPort, so nothing proves a container listens there",
                    at: primary, object: object, notes: [portsNote],
                    fix: SuggestedFix("declare `ports: [{containerPort: \(number)}]` on the serving container"),
                    severity: .warning)
            }
            let candidates = declared.filter { $0.protocol == port.protocol }.compactMap(\.number)
            let guess = candidates.min { abs($0 - number) < abs($1 - number) }
            return info.diagnostic(
                "Service \(object.name) targets \(written), but no container of \(owner) listens on \(number)",
                at: primary, object: object, notes: [portsNote],
                fix: guess.map {
                    SuggestedFix(
                        "did you mean \($0)?", replacing: port.targetPortNode.map(object.span),
                        with: port.targetPortNode == nil ? nil : String($0))
                })
        case .name(let name):
            if declared.contains(where: { $0.name == name && $0.protocol == port.protocol }) { return nil }
            let names = declared.compactMap(\.name)
            let guess = nearest(name, in: names) ?? (names.count == 1 ? names[0] : nil)
            return info.diagnostic(
                "Service \(object.name) targets the port named `\(name)`, but no container of \(owner) declares a \(port.protocol) port with that name; the pods get no endpoint (503)",
                at: primary, object: object, notes: [portsNote],
                fix: guess.map { SuggestedFix("did you mean `\($0)`?", replacing: primary, with: $0) }
                    ?? SuggestedFix("name the container port `\(name)` or target its number"))
        }
    }

    private static func describe(_ port: ContainerPort) -> String {
        var text = port.number.map(String.init) ?? "?"
        if let name = port.name { text += " (\(name))" }
        if port.protocol != "TCP" { text += "/\(port.protocol)" }
        return text
    }
}
