import KubeDiagnostics
import KubeModel
import KubeYAML

/// A Service port whose targetPort no selected pod declares. A named one
/// (with the Service port's protocol) is proven wrong: the pods get
/// no endpoint for it. A name only some selected pods declare still routes to
/// those: the separate warning `service-target-port-partial`. A number the
/// containers do not declare may still be served (declaring containerPort is
/// informational): the separate note `service-target-port-undeclared`.
struct ServiceTargetPortRule: Rule {
    let info = RuleInfo(
        id: .serviceTargetPort,
        summary:
            "A named Service targetPort is declared, with the same protocol, by some pod it selects",
        why:
            "A named targetPort that no selected pod declares with the Service port's protocol gives the Service no endpoint (503 through the ingress). A numeric targetPort is never proof: containerPort declarations (and their protocols) are informational, and a container may serve a number, or another protocol on it, that it does not declare (service-target-port-undeclared, a note). Every Ingress path and service URL through that port breaks with it; they are listed as notes.",
        fix:
            "Set targetPort to a containerPort name the pods declare (or its number), with the same protocol on both sides."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        ServiceTargetPorts.findings(in: graph, of: .proven, info: info, context: context)
    }
}

/// A named targetPort that some selected pods declare and others lack.
struct ServiceTargetPortPartialRule: Rule {
    let info = RuleInfo(
        id: .serviceTargetPortPartial,
        summary: "A named Service targetPort is declared by every pod it selects, not only by some",
        why:
            "The EndpointSlice controller skips a pod whose ports lack the targetPort's name and routes to the others, so the Service works, but the pods without the name (often a test or debug pod sharing the app's labels) never get traffic. A warning: the selector may be meant to reach only the pods that serve the port.",
        fix:
            "Declare the named port in the pods listed, or make the selector (or their labels) tell them apart from the pods that serve it.",
        defaultSeverity: .warning
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        ServiceTargetPorts.findings(in: graph, of: .partial, info: info, context: context)
    }
}

/// A numeric targetPort that the selected containers do not declare, while they declare others.
struct ServiceTargetPortUndeclaredRule: Rule {
    let info = RuleInfo(
        id: .serviceTargetPortUndeclared,
        summary: "A numeric Service targetPort is among the containerPorts the selected pods declare",
        why:
            "The kubelet does not need containerPort declarations, so a pod may serve a port it does not declare; when its containers declare other ports, a targetPort outside them can be a typo that gives connection refused (502 through the ingress). A note, not a warning: on real repositories most such ports were served undeclared on purpose (metrics and admin listeners), so the finding was right about 1 time in 4. Containers that declare no ports are not reported. A number declared only for another protocol (a Service sending UDP to 5353, a container declaring 5353/TCP) is this note too: declared protocols are informational as well.",
        fix: "Set targetPort to one of the declared containerPorts, or declare the port the container listens on.",
        defaultSeverity: .note
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        ServiceTargetPorts.findings(in: graph, of: .undeclared, info: info, context: context)
    }
}

enum ServiceTargetPorts {
    /// The three rules over the same walk.
    enum Finding {
        /// No selected pod can serve the port (service-target-port).
        case proven
        /// A named port some selected pods declare and others lack (service-target-port-partial).
        case partial
        /// A number the selected containers do not declare (service-target-port-undeclared).
        case undeclared
    }

    static func findings(in graph: ManifestGraph, of wanted: Finding, info: RuleInfo, context: RuleContext)
        -> [Diagnostic]
    {
        var findings: [Diagnostic] = []
        let together = AppliedTogether(graph, context: context)
        for service in graph.services where service.selectsPods {
            // Only pods that may be applied with the Service: a workload of a sibling folder (another
            // example, an operator bundle beside its samples) is another install's.
            let workloads = graph.workloads(selectedBy: service).filter {
                together.mayApply($0.object.file, with: service.object.file)
            }
            for port in service.ports {
                guard let target = port.effectiveTarget else { continue }
                // A name some selected pods declare: the EndpointSlice controller routes to those.
                if case .name = target, workloads.count > 1 {
                    let lacking = workloads.filter {
                        check(service, port, target, $0, graph: graph, info: info) != nil
                    }
                    if !lacking.isEmpty && lacking.count < workloads.count {
                        if wanted == .partial {
                            findings.append(
                                partial(
                                    service, port, target, lacking: lacking, of: workloads, graph: graph, info: info))
                        }
                        continue
                    }
                }
                guard wanted != .partial else { continue }
                // The first pod that breaks the port decides: an error wins over a note.
                for workload in workloads {
                    guard let finding = check(service, port, target, workload, graph: graph, info: info) else {
                        continue
                    }
                    // Only the wanted rule's finding is built: its notes scan every workload's URLs.
                    if finding.proven == (wanted == .proven) { findings.append(finding.diagnostic()) }
                    break
                }
            }
        }
        return findings
    }

    /// The warning for a named port that only some selected pods declare, naming the others.
    private static func partial(
        _ service: Service, _ port: ServicePort, _ target: PortReference, lacking: [Workload], of workloads: [Workload],
        graph: ManifestGraph, info: RuleInfo
    ) -> Diagnostic {
        let object = service.object
        let primary = object.span(port.targetPortNode ?? port.node["port"] ?? port.node)
        let names = lacking.prefix(3).map(\.object.title).joined(separator: ", ") + (lacking.count > 3 ? ", …" : "")
        let serving = workloads.filter { workload in
            !lacking.contains { $0.object.reference == workload.object.reference }
        }
        var notes = lacking.map { workload in
            let declared = workload.template.servingContainers.flatMap(\.ports)
            return DiagnosticNote(
                declared.isEmpty
                    ? "the containers of \(workload.object.title) declare no ports"
                    : "\(workload.object.title) declares \(declared.map(describe).joined(separator: ", "))",
                at: (workload.template.servingContainers.first { !$0.ports.isEmpty }?.node["ports"]
                    ?? workload.template.specNode).map(workload.object.span))
        }
        if let first = serving.first {
            notes.append(
                DiagnosticNote(
                    "\(first.object.title) declares `\(target)`",
                    at: (first.template.servingContainers.first { !$0.ports.isEmpty }?.node["ports"]
                        ?? first.template.specNode).map(first.object.span)))
        }
        return info.diagnostic(
            "Service \(object.displayName) targets the port named `\(target)`, which \(names) \(lacking.count == 1 ? "does" : "do") not declare; the Service routes only to the pods of \(serving.map(\.object.title).prefix(3).joined(separator: ", "))",
            at: primary, object: object, notes: notes,
            fix: SuggestedFix("declare port `\(target)` in \(names), or select only the pods that serve it"))
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
            // Declaring containerPort is informational, its protocol too: the kubelet routes a numeric
            // targetPort whatever the container declares, so a number declared for another protocol
            // (a DNS server declaring 5353/TCP and serving UDP too) is a note, never proof.
            if let other = declared.first(where: { $0.number == number }) {
                guard other.node["protocol"] != nil else { return nil }
                return (
                    false,
                    {
                        info.diagnostic(
                            "Service \(object.displayName) sends \(port.protocol) to \(written), but \(owner) declares it only as \(other.protocol); unless the container also serves \(port.protocol) there (declarations are informational), it is refused",
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
                        fix: guess.map { guess in
                            // No `targetPort` written (it defaults to `port`): nothing to replace.
                            port.targetPortNode.map {
                                SuggestedFix(
                                    "did you mean \(guess)?", replacing: object.span($0), with: String(guess),
                                    applicability: .maybeIncorrect)
                            } ?? SuggestedFix("did you mean \(guess)?")
                        })
                }
            )
        case .name(let name):
            let names = declared.compactMap(\.name)
            let guess = NearName.inputName.nearest(name, in: names) ?? (names.count == 1 ? names[0] : nil)
            return (
                true,
                {
                    info.diagnostic(
                        "Service \(object.displayName) targets the port named `\(name)`, but no container of \(owner) declares a \(port.protocol) port with that name; the pods get no endpoint (503)",
                        at: primary, object: object, notes: notes(.noEndpoints),
                        fix: guess.map {
                            SuggestedFix(
                                "did you mean `\($0)`?", replacing: primary, with: $0, applicability: .maybeIncorrect)
                        }
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
