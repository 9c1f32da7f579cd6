import KubeDiagnostics
import KubeModel
import KubeYAML

/// A Service port whose targetPort no selected pod declares, in one walk over the Services. A
/// named one (with the Service port's protocol) is proven wrong: the pods get no endpoint for it
/// (service-target-port). A name only some selected pods declare still routes to those: a warning
/// (service-target-port-partial). A number the containers do not declare may still be served
/// (declaring containerPort is informational): a note (service-target-port-undeclared).
struct ServiceTargetPortPass: RulePass {
    let rules: [RuleInfo] = [.serviceTargetPort, .serviceTargetPortPartial, .serviceTargetPortUndeclared]

    func run(_ graph: ManifestGraph, context: RuleContext, enabled: Set<String>) -> PassResult {
        PassResult(findings: ServiceTargetPorts.findings(in: graph, enabled: enabled, context: context))
    }
}

enum ServiceTargetPorts {
    static func findings(in graph: ManifestGraph, enabled: Set<String>, context: RuleContext) -> [Diagnostic] {
        let reportsPartial = enabled.contains(RuleID.serviceTargetPortPartial.rawValue)
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
                        check(service, port, target, $0, graph: graph) != nil
                    }
                    if !lacking.isEmpty && lacking.count < workloads.count {
                        if reportsPartial {
                            findings.append(
                                partial(service, port, target, lacking: lacking, of: workloads, graph: graph))
                        }
                        continue
                    }
                }
                // The first pod that breaks the port decides: an error wins over a note.
                for workload in workloads {
                    guard let finding = check(service, port, target, workload, graph: graph) else {
                        continue
                    }
                    // Only a reported rule's finding is built: its notes scan every workload's URLs.
                    if enabled.contains(finding.rule.id) { findings.append(finding.diagnostic()) }
                    break
                }
            }
        }
        return findings
    }

    /// The warning for a named port that only some selected pods declare, naming the others.
    private static func partial(
        _ service: Service, _ port: ServicePort, _ target: PortReference, lacking: [Workload], of workloads: [Workload],
        graph: ManifestGraph
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
        return RuleInfo.serviceTargetPortPartial.diagnostic(
            "Service \(object.displayName) targets the port named `\(target)`, which \(names) \(lacking.count == 1 ? "does" : "do") not declare; the Service routes only to the pods of \(serving.map(\.object.title).prefix(3).joined(separator: ", "))",
            at: primary, object: object, notes: notes,
            fix: SuggestedFix("declare port `\(target)` in \(names), or select only the pods that serve it"))
    }

    private static func check(
        _ service: Service, _ port: ServicePort, _ target: PortReference, _ workload: Workload, graph: ManifestGraph
    ) -> (rule: RuleInfo, diagnostic: () -> Diagnostic)? {
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
                    .serviceTargetPortUndeclared,
                    {
                        RuleInfo.serviceTargetPortUndeclared.diagnostic(
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
                .serviceTargetPortUndeclared,
                {
                    RuleInfo.serviceTargetPortUndeclared.diagnostic(
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
                .serviceTargetPort,
                {
                    RuleInfo.serviceTargetPort.diagnostic(
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
