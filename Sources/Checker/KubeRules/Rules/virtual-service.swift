import KubeDiagnostics
import KubeModel
import KubeYAML

/// A VirtualService route to a Service, port or subset that does not exist answers 503.
struct VirtualServiceRule: Rule {
    let info = RuleInfo(
        id: .virtualService,
        summary:
            "Istio VirtualService route destinations name a Service of the inputs (short or cluster-local host), a port it exposes, and a subset its DestinationRule defines",
        why:
            "Istio reads a destination host without a dot as a Service of the VirtualService's namespace and `name.ns.svc.cluster.local` as Service name of namespace ns; a host that names no Service, a port.number the Service does not expose, or a subset no DestinationRule for that host defines makes Envoy answer 503 (no healthy upstream, or NR) while every object applies cleanly. A Service absent from the inputs is reported only when a near name of it is there (routes often reach Services other releases and installers create); external hosts, wildcards and ServiceEntry hosts are not read as Services.",
        fix:
            "Name the Service (and one of its `port` numbers, not the targetPort) and a subset of the DestinationRule for that host."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        guard !graph.virtualServices.isEmpty else { return [] }
        let entries = serviceEntryHosts(in: graph)
        var references: [(NamedReference, host: String)] = []
        var subsets: [(IstioDestination, NamespacedName, ManifestObject)] = []
        for virtualService in graph.virtualServices {
            let object = virtualService.object
            for destination in virtualService.destinations {
                let port = destination.portNumber.flatMap { number in destination.portNode.map { (number, $0) } }
                guard
                    let reference = serviceReference(
                        host: destination.host, node: destination.hostNode, of: object, port: port,
                        context: "\(destination.context) destination", entries: entries)
                else { continue }
                references.append((reference, destination.host))
                if destination.subset != nil {
                    subsets.append(
                        (destination, NamespacedName(namespace: reference.namespace, name: reference.name), object))
                }
            }
        }
        var findings = info.hostFindings(references, in: graph, context: context)
        for (destination, service, object) in subsets {
            if let finding = subsetFinding(destination, service: service, of: object, in: graph) {
                findings.append(finding)
            }
        }
        return findings
    }

    /// A subset no DestinationRule for the host defines, when the inputs hold such a DestinationRule.
    private func subsetFinding(
        _ destination: IstioDestination, service: NamespacedName, of object: ManifestObject, in graph: ManifestGraph
    ) -> Diagnostic? {
        guard let subset = destination.subset, let node = destination.subsetNode,
            graph.service(named: service.name, in: service.namespace) != nil
        else { return nil }
        let rules = graph.destinationRules.filter { $0.service == service }
        guard let rule = rules.first, !rules.contains(where: { $0.subsets.contains { $0.name == subset } }) else {
            return nil
        }
        let names = rules.flatMap { $0.subsets.map(\.name) }
        let span = object.span(node)
        return info.diagnostic(
            "\(object.title) \(destination.context) destination names subset `\(subset)` of \(destination.host), but no DestinationRule for that host defines it: Envoy answers 503 (no healthy upstream)",
            at: span, object: object,
            notes: [
                DiagnosticNote(
                    "\(rule.object.title) "
                        + (names.isEmpty ? "defines no subsets" : "defines subsets \(names.joined(separator: ", "))")
                        + " here", at: rule.object.span(rule.object.spec?["subsets"] ?? rule.object.root))
            ],
            fix: ReferenceResolver.nearestName(subset, in: names).map {
                SuggestedFix("did you mean `\($0)`?", replacing: span, with: $0, applicability: .maybeIncorrect)
            } ?? SuggestedFix("add subset `\(subset)` to \(rule.object.title), or name one of its subsets"))
    }
}
