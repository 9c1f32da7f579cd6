import KubeDiagnostics
import KubeModel
import KubeYAML

/// Selectors that must reach pods, shared by the PodDisruptionBudget and
/// NetworkPolicy rules: the pods ship with their policies, so a selector that
/// matches no pod of a namespace whose workloads are in the inputs is proven wrong,
/// unless a custom resource there may have its operator create the pods (then
/// only a spelling slip is) or no pod there carries any of its label keys (pods
/// of another install). Pods count with the labels their controllers add
/// and with the pod labels custom resources give their operators.
enum PodSelectors {
    /// Why `selector` of `object` matches no pod template, or nil when it
    /// matches one (or the namespace's workloads are not in the inputs).
    /// `nearOnly`: report only with a near candidate (peers may be elsewhere).
    static func problem(
        _ selector: LabelSelector, field: String, of object: ManifestObject, in graph: ManifestGraph,
        nearOnly: Bool = false
    ) -> ReferenceProblem? {
        guard !selector.isEmpty else { return nil }
        let workloads = Array(graph.workloads(in: object.namespace))
        guard !workloads.isEmpty, !workloads.contains(where: { $0.podsMatch(selector) }),
            !graph.operatorPods(in: object.namespace).contains(where: { selector.matches($0.labels.dictionary) }),
            !(selector.matchExpressions.isEmpty
                && ControlPlanePods.mayBeSelected(by: selector.matchLabels, in: object.namespace))
        else { return nil }
        let operatorsMayCreate = graph.hasCustomResources(in: object.namespace)
        let rendered =
            (selector.matchLabels.map { "\($0.key)=\($0.value)" }.sorted()
            + selector.matchExpressions.map { "\($0.key) \($0.operatorText) (\($0.values.joined(separator: ",")))" })
            .joined(separator: ",")
        let subject =
            "\(object.title) \(field) selects \(rendered), but no pod template in namespace \(object.namespace) matches"
        // matchLabels reach some pods and an expression turns them away: blame the expression, not a
        // label that matches (and offer no fix that replaces a label with itself).
        let labelsMatch =
            selector.matchLabels.isEmpty
            ? []
            : workloads.filter { workload in
                selector.matchLabels.allSatisfy { workload.podLabels[$0.key] == $0.value }
            }
        if let workload = labelsMatch.first,
            let failing = selector.matchExpressions.first(where: { !$0.matches(workload.podLabels) })
        {
            let expression = "\(failing.key) \(failing.operatorText) (\(failing.values.joined(separator: ",")))"
            let value = workload.podLabels[failing.key].map { "`\(failing.key): \($0)`" } ?? "no `\(failing.key)` label"
            // At what fails: the values of In/NotIn, the key of Exists/DoesNotExist (or an unknown operator).
            let culprit =
                failing.operator == .in || failing.operator == .notIn
                ? failing.node["values"] ?? failing.node["key"] : failing.node["key"]
            let podLabel = workload.template.labels.first { $0.key == failing.key }
            return ReferenceProblem(
                message: subject + " (`\(expression)`)", span: object.span(culprit ?? failing.node),
                notes: [
                    DiagnosticNote(
                        "pods of \(workload.object.title) match matchLabels but have \(value)",
                        at: podLabel.map { workload.object.span($0.valueNode) }
                            ?? workload.template.labelsNode.map(workload.object.span))
                ],
                fix: SuggestedFix("change this expression or the pod labels of \(workload.object.title)"))
        }
        if let best = LabelSuggestion.closest(selector.matchLabels, among: workloads) {
            let explanation = LabelSuggestion.explain(selector.matchLabels, of: object, nearest: best)
            // A peer's pods may be installed elsewhere (an optional component): only a spelling slip
            // proves a typo, not a value differing in a whole token (`argocd-server`, `argocd-redis`).
            if operatorsMayCreate || nearOnly, !LabelSuggestion.isSpellingSlip(explanation, of: best) { return nil }
            return ReferenceProblem(
                message: subject + " (`\(explanation.wrong.key): \(explanation.wrong.value)`)",
                span: explanation.primary, notes: explanation.notes, fix: explanation.fix)
        }
        // Keys no pod of the namespace carries (`foo: bar` where pods have `app`): pods of another install.
        guard !nearOnly, !operatorsMayCreate,
            (selector.matchLabels.map(\.key) + selector.matchExpressions.map(\.key)).contains(where: { key in
                workloads.contains { $0.podsCarryKey(key) }
            })
        else { return nil }
        return ReferenceProblem(
            message: subject, span: object.span(selector.node), notes: [],
            fix: SuggestedFix("select the pod labels of the workload this \(object.kind) is for"))
    }
}
