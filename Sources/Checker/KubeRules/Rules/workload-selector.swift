import KubeDiagnostics
import KubeModel
import KubeYAML

/// The API server refuses a workload whose selector does not select its own
/// pod template ("selector does not match template labels").
struct WorkloadSelectorRule: Rule {
    let info = RuleInfo(
        id: .workloadSelector,
        summary: "Workload selector (matchLabels and matchExpressions) matches its own pod template labels",
        why:
            "The API server rejects a Deployment, ReplicaSet, StatefulSet or DaemonSet whose selector is missing, empty or does not select its template's labels; a Job or CronJob with a hand-written selector is rejected too. The Argo Rollouts controller validates a Rollout the same way (a Rollout with a template needs a selector that selects it) and marks it InvalidSpec: nothing is deployed.",
        fix:
            "Make spec.selector.matchLabels a subset of spec.template.metadata.labels (and every matchExpression true for them)."
    )

    private static let requiresSelector: Set<String> = [
        BuiltinKind.deployment, BuiltinKind.replicaSet, BuiltinKind.statefulSet, BuiltinKind.daemonSet,
    ]

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        graph.workloads.flatMap(check)
    }

    private func check(_ workload: Workload) -> [Diagnostic] {
        let object = workload.object
        let kind = object.kind
        switch kind {
        case BuiltinKind.job:
            if let selector = workload.selector, object.spec?["manualSelector"]?.scalar != "true" {
                return [
                    info.diagnostic(
                        "\(object.title) sets spec.selector without manualSelector: true; the API server generates Job selectors and rejects this one",
                        at: object.span(object.spec?.keyNode("selector") ?? selector.node), object: object,
                        fix: SuggestedFix("remove spec.selector (or set manualSelector: true if you really manage it)"))
                ]
            }
            return []
        case BuiltinKind.cronJob:
            if let node = object.spec?["jobTemplate"]?["spec"]?["selector"] {
                return [
                    info.diagnostic(
                        "\(object.title) sets spec.jobTemplate.spec.selector; it is generated and must be absent",
                        at: object.span(node), object: object,
                        fix: SuggestedFix("remove spec.jobTemplate.spec.selector"))
                ]
            }
            return []
        case BuiltinKind.pod:
            return []
        default:
            break
        }
        guard let selector = workload.selector else {
            // A Rollout is a workload only with a template of its own, and then needs a selector.
            let isRollout = kind == "Rollout"
            guard isRollout || (Self.requiresSelector.contains(kind) && object.apiVersion == "apps/v1") else {
                return []
            }
            let anchor = object.spec.flatMap { spec in object.root.keyNode("spec") ?? spec } ?? object.root
            return [
                info.diagnostic(
                    "\(object.title) has no spec.selector; \(isRollout ? "Argo Rollouts requires one beside a template" : "apps/v1 requires one")",
                    at: object.span(anchor), object: object,
                    fix: SuggestedFix(
                        "add spec.selector.matchLabels with the template labels (\(workload.template.labels.rendered))")
                )
            ]
        }
        var findings: [Diagnostic] = []
        for requirement in selector.matchExpressions {
            if requirement.operator == nil {
                findings.append(
                    info.diagnostic(
                        "matchExpressions operator `\(requirement.operatorText)` is not one of In, NotIn, Exists, DoesNotExist",
                        at: object.span(requirement.node["operator"] ?? requirement.node), object: object))
            } else if [.in, .notIn].contains(requirement.operator) && requirement.values.isEmpty {
                findings.append(
                    info.diagnostic(
                        "operator \(requirement.operatorText) needs a non-empty `values` list",
                        at: object.span(requirement.node), object: object))
            } else if [.exists, .doesNotExist].contains(requirement.operator) && !requirement.values.isEmpty {
                findings.append(
                    info.diagnostic(
                        "operator \(requirement.operatorText) takes no `values`",
                        at: object.span(requirement.node["values"] ?? requirement.node), object: object))
            }
        }
        if !findings.isEmpty { return findings }
        if selector.isEmpty {
            guard kind != BuiltinKind.replicationController else { return [] }  // an empty RC selector defaults to the labels
            return [
                info.diagnostic(
                    "\(object.title) has an empty selector, which \(kind == "Rollout" ? "Argo Rollouts" : "the API server") rejects",
                    at: object.span(selector.node), object: object,
                    fix: SuggestedFix("select the template labels: \(workload.template.labels.rendered)"))
            ]
        }
        // The common case, labels only and all carried, is settled without a table of the labels
        // (`podLabels`: the last of a repeated key counts, as here).
        if selector.matchExpressions.isEmpty,
            selector.matchLabels.allSatisfy({ entry in
                workload.template.labels.last { $0.key == entry.key }?.value == entry.value
            })
        {
            return []
        }
        let labels = workload.podLabels
        guard !selector.matches(labels) else { return [] }
        let labelsNode = workload.template.labelsNode
        let templateNote = DiagnosticNote(
            workload.template.labels.isEmpty
                ? "the pod template has no labels"
                : "the pod template is labelled \(workload.template.labels.rendered)",
            at: object.span(labelsNode.flatMap { $0.keyNode("labels") ?? $0 } ?? workload.template.node))
        /// A note on one label of the template, at its value (or its key, for a misspelt key).
        func labelNote(_ key: String, _ value: String, atKey: Bool = false) -> DiagnosticNote {
            guard let node = atKey ? labelsNode?.keyNode(key) : labelsNode?[key] else { return templateNote }
            return DiagnosticNote("the pod template has `\(key): \(value)` here", at: object.span(node))
        }
        if let entry = selector.matchLabels.first(where: { labels[$0.key] != $0.value }) {
            if let actual = labels[entry.key] {
                return [
                    info.diagnostic(
                        "selector requires `\(entry.key): \(entry.value)` but the pod template of \(object.title) has `\(entry.key): \(actual)`",
                        at: object.span(entry.valueNode), object: object, notes: [labelNote(entry.key, actual)],
                        fix: SuggestedFix(
                            "make the selector and the template agree, e.g. `\(entry.key): \(actual)`",
                            replacing: object.span(entry.valueNode), with: actual, applicability: .maybeIncorrect))
                ]
            }
            let nearKey = NearName.inputName.nearest(entry.key, in: labels.keys)
            let note = nearKey.map { labelNote($0, labels[$0] ?? "", atKey: true) } ?? templateNote
            return [
                info.diagnostic(
                    "selector requires label `\(entry.key)` but the pod template of \(object.title) has no such label",
                    at: object.span(entry.keyNode), object: object, notes: [note],
                    fix: nearKey.map {
                        SuggestedFix(
                            "did you mean `\($0)`?", replacing: object.span(entry.keyNode), with: $0,
                            applicability: .maybeIncorrect)
                    } ?? SuggestedFix("add `\(entry.key): \(entry.value)` to spec.template.metadata.labels"))
            ]
        }
        guard let failing = selector.matchExpressions.first(where: { !$0.matches(labels) }) else { return [] }
        let expression =
            failing.values.isEmpty
            ? "\(failing.key) \(failing.operatorText)"
            : "\(failing.key) \(failing.operatorText) [\(failing.values.joined(separator: ", "))]"
        let actual = labels[failing.key]
        return [
            info.diagnostic(
                "selector requires `\(expression)` but the pod template of \(object.title) has "
                    + (actual.map { "`\(failing.key): \($0)`" } ?? "no `\(failing.key)` label"),
                at: object.span(failing.node["key"] ?? failing.node), object: object,
                notes: [actual.map { labelNote(failing.key, $0) } ?? templateNote])
        ]
    }
}
