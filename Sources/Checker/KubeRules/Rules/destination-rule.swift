import KubeDiagnostics
import KubeModel

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
