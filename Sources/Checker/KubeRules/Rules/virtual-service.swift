import KubeDiagnostics
import KubeModel
import KubeYAML

/// Hosts the inputs declare to Istio's registry with a ServiceEntry: a destination naming one
/// is not a Kubernetes Service.
private func serviceEntryHosts(in graph: ManifestGraph) -> (hosts: Set<String>, services: Set<NamespacedName>) {
    var hosts = Set<String>()
    var services = Set<NamespacedName>()
    for object in graph.objects where object.kind == "ServiceEntry" && object.apiGroup == VirtualService.group {
        for node in object.spec?["hosts"]?.items ?? [] {
            guard let host = node.string else { continue }
            hosts.insert(host)
            if let service = IstioHost.service(host, ruleNamespace: object.namespace) { services.insert(service) }
        }
    }
    return (hosts, services)
}

/// A Service reference for a host Istio reads as a Kubernetes Service, or nil for external hosts,
/// wildcards, other domains and ServiceEntry hosts.
private func serviceReference(
    host: String, node: YAMLNode, of object: ManifestObject, port: (Int, YAMLNode)?, context: String,
    entries: (hosts: Set<String>, services: Set<NamespacedName>)
) -> NamedReference? {
    guard let service = IstioHost.service(host, ruleNamespace: object.namespace), !entries.hosts.contains(host),
        !entries.services.contains(service)
    else { return nil }
    return NamedReference(
        source: object, kind: BuiltinKind.service, namespace: service.namespace, name: service.name, nameNode: node,
        member: port.map { .port(.number($0.0)) }, memberNode: port?.1, context: context)
}

extension RuleInfo {
    /// The resolver's findings for Istio hosts: a did-you-mean for a cluster-local host keeps the
    /// host's form (`reviewz.shop.svc.cluster.local` → `reviews.shop.svc.cluster.local`).
    ///
    /// An absent Service is proven missing only by a near name: mesh routes often reach Services
    /// that other releases or installers create (a kustomize component's base, istiod, the
    /// gateways, ACME solvers), so other Services of the namespace prove nothing.
    fileprivate func hostFindings(
        _ references: [(NamedReference, host: String)], in graph: ManifestGraph, context: RuleContext
    ) -> [Diagnostic] {
        let together = AppliedTogether(graph, context: context)
        return references.compactMap { reference, host in
            // A Service of another group with the name (a Knative Service) makes the core one.
            guard
                graph.service(named: reference.name, in: reference.namespace) != nil
                    || graph.object(reference.target) == nil,
                var problem = ReferenceResolver.problem(reference, in: graph, together: together)
            else {
                return nil
            }
            let absent = graph.service(named: reference.name, in: reference.namespace) == nil
            // A sibling is no typo: `model-registry-service` beside `model-registry-ui-service` is
            // another Service, so a did-you-mean proves a host missing only within two edits.
            if absent, let guess = problem.fix?.replacement, guess.lowercased() != reference.name.lowercased(),
                NearName.editDistance(reference.name, guess) > 2
            {
                return nil
            }
            if host != reference.name, let fix = problem.fix, let guess = fix.replacement, let fixSpan = fix.span,
                problem.span == reference.source.span(reference.nameNode)
            {
                let full = guess + host.dropFirst(reference.name.count)
                problem.fix = SuggestedFix(
                    "did you mean `\(full)`?", replacing: fixSpan, with: full, applicability: .maybeIncorrect)
            }
            return diagnostic(
                problem.message, at: problem.span, object: reference.source, notes: problem.notes, fix: problem.fix)
        }.uniqued()
    }
}

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

/// A DestinationRule for a Service that does not exist configures nothing; a subset whose labels
/// match none of the Service's pods has no endpoints.
struct DestinationRuleRule: Rule {
    let info = RuleInfo(
        id: .destinationRule,
        summary:
            "Istio DestinationRule host names a Service of the inputs, and each subset's labels select pods of that Service",
        why:
            "A DestinationRule applies to the Service its host names (a name without a dot: a Service of its namespace); a misspelt host leaves the traffic policy unapplied, silently, and a subset whose labels match none of the Service's pods has no endpoints, so every route to it answers 503. A Service absent from the inputs is reported only when a near name of it is there (routes often reach Services other releases and installers create); external hosts, wildcards and ServiceEntry hosts are not read as Services.",
        fix:
            "Name the Service in host, and give each subset labels the pods of that Service carry (e.g. `version: v1`)."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        guard !graph.destinationRules.isEmpty else { return [] }
        let entries = serviceEntryHosts(in: graph)
        var references: [(NamedReference, host: String)] = []
        var findings: [Diagnostic] = []
        for rule in graph.destinationRules {
            guard let host = rule.host, let node = rule.hostNode,
                let reference = serviceReference(
                    host: host, node: node, of: rule.object, port: nil, context: "host", entries: entries)
            else { continue }
            references.append((reference, host))
            guard let service = graph.service(named: reference.name, in: reference.namespace), service.selectsPods
            else { continue }
            let pods = graph.workloads(selectedBy: service)
            guard !pods.isEmpty else { continue }
            for subset in rule.subsets where !subset.labels.isEmpty {
                let wanted = subset.labels.dictionary
                guard !pods.contains(where: { pod in wanted.allSatisfy { pod.podLabels[$0.key] == $0.value } }) else {
                    continue
                }
                findings.append(subsetFinding(subset, of: rule, service: service, pods: pods))
            }
        }
        return info.hostFindings(references, in: graph, context: context) + findings
    }

    private func subsetFinding(_ subset: IstioSubset, of rule: DestinationRule, service: Service, pods: [Workload])
        -> Diagnostic
    {
        let object = rule.object
        // Point at the first label no pod of the Service has, suggesting a near value pods carry.
        let wrong =
            subset.labels.first { entry in !pods.contains { $0.podLabels[entry.key] == entry.value } }
            ?? subset.labels[0]
        let values = Array(Set(pods.compactMap { $0.podLabels[wrong.key] })).sorted()
        let span = object.span(wrong.valueNode)
        let guess = ReferenceResolver.nearestName(wrong.value, in: values)
        // The note shows the pods the suggestion comes from.
        let first = pods.first { guess != nil && $0.podLabels[wrong.key] == guess } ?? pods[0]
        return info.diagnostic(
            "\(object.title) subset `\(subset.name)` selects \(subset.labels.rendered), but no pod of Service \(service.object.displayName) has `\(wrong.key): \(wrong.value)`: routes to the subset get 503 (no healthy upstream)",
            at: span, object: object,
            notes: [
                DiagnosticNote(
                    "pods of \(first.object.title)\(pods.count > 1 ? " (of \(pods.count) workloads \(service.object.title) selects)" : "") are labelled \(first.template.labels.rendered)",
                    at: first.template.labelsNode.map(first.object.span))
            ],
            fix: guess.map {
                SuggestedFix(
                    "did you mean `\(wrong.key): \($0)`?", replacing: span, with: $0, applicability: .maybeIncorrect)
            }
                ?? SuggestedFix(
                    "label the pods of this subset `\(wrong.key): \(wrong.value)`, or select labels they carry"))
    }
}
