import KubeDiagnostics
import KubeModel
import KubeYAML

/// An Argo Rollout shifts traffic by rewriting the selectors of the Services its strategy names:
/// a misspelt one stops the rollout, and one that selects other pods sends the traffic there.
struct RolloutServiceRule: Rule {
    let info = RuleInfo(
        id: .rolloutService,
        summary:
            "Argo Rollout canaryService, stableService, activeService and previewService name Services of its namespace that select its pods (two different ones per strategy)",
        why:
            "The Rollout controller adds the pod-template hash to the selector of each Service the strategy names; a Service that does not exist stops the rollout with an InvalidSpec condition, and one whose selector does not match the Rollout's pods sends the canary, stable, active or preview traffic to other pods (or none). The Services ship with the Rollout, so an absent one is reported when the inputs define Services in the namespace (or a near name). The controller also rejects one Service named for both canary and stable, or active and preview.",
        fix:
            "Name Services of the Rollout's namespace whose selector matches the Rollout's pod template labels (or those of the Deployment its workloadRef names)."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for rollout in graph.rollouts {
            findings += info.findings(rollout.services, in: graph, context: context, shipsWithUsers: true)
            findings += duplicates(in: rollout)
            guard let (labels, podsObject, labelsSpan) = pods(of: rollout, in: graph) else { continue }
            for reference in rollout.services {
                guard let service = graph.service(named: reference.name, in: reference.namespace),
                    service.selectsPods, !service.selects(labels),
                    // A Service that selects no pod at all is service-selector's one finding.
                    !graph.workloads(selectedBy: service).isEmpty,
                    // Defined twice, the inputs do not say which one applies (duplicate-object's finding).
                    graph.objects(kind: BuiltinKind.service, in: reference.namespace).lazy.filter({
                        $0.name == reference.name && $0.apiGroup.isEmpty
                    }).count == 1
                else { continue }
                let object = rollout.object
                var notes = [
                    DiagnosticNote(
                        "Service \(service.object.displayName) selects \(service.selector.rendered) here",
                        at: service.selectorNode.map(service.object.span) ?? service.object.nameSpan)
                ]
                if let labelsSpan {
                    notes.append(
                        DiagnosticNote(
                            "pods of \(podsObject.title) are labelled \(labels.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ","))",
                            at: labelsSpan))
                }
                findings.append(
                    info.diagnostic(
                        "\(object.title) \(reference.context) names Service \(reference.name), which does not select the Rollout's pods: its \(reference.context.split(separator: ".").last?.dropLast(BuiltinKind.service.count) ?? "") traffic goes to other pods",
                        at: object.span(reference.nameNode), object: object, notes: notes,
                        fix: SuggestedFix(
                            "name the Service that fronts this Rollout, or make Service \(reference.name)'s selector match the Rollout's pod labels"
                        )))
            }
        }
        return findings
    }

    /// Argo's validation requires two different Services for canary and stable, and for active
    /// and preview (DuplicatedServicesCanaryMessage, DuplicatedServicesBlueGreenMessage), reported
    /// at the field it names (stableService, activeService).
    private func duplicates(in rollout: ArgoRollout) -> [Diagnostic] {
        let object = rollout.object
        return [("canaryService", "stableService"), ("previewService", "activeService")].compactMap { first, second in
            guard let earlier = rollout.services.first(where: { $0.context.hasSuffix(".\(first)") }),
                let later = rollout.services.first(where: { $0.context.hasSuffix(".\(second)") }),
                earlier.name == later.name
            else { return nil }
            return info.diagnostic(
                "\(object.title) names Service \(later.name) as both \(first) and \(second); Argo Rollouts requires two different Services and marks the Rollout InvalidSpec",
                at: object.span(later.nameNode), object: object,
                notes: [DiagnosticNote("\(first) names it here", at: object.span(earlier.nameNode))],
                fix: SuggestedFix(
                    "give the \(first.dropLast(BuiltinKind.service.count)) pods a Service of their own, with the same selector"
                ))
        }
    }

    /// The labels of the Rollout's pods, from its template or from the Deployment its workloadRef
    /// names when that is in the inputs; nil when unknown.
    private func pods(of rollout: ArgoRollout, in graph: ManifestGraph) -> (
        [String: String], ManifestObject, SourceSpan?
    )? {
        if let workload = rollout.workload {
            return (workload.podLabels, workload.object, workload.template.labelsNode.map(workload.object.span))
        }
        guard let reference = rollout.workloadReference,
            let workload = graph.workloads(in: reference.namespace).first(where: {
                $0.object.kind == reference.kind && $0.object.name == reference.name
            })
        else { return nil }
        return (workload.podLabels, workload.object, workload.template.labelsNode.map(workload.object.span))
    }
}
