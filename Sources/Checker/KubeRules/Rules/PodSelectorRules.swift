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

/// A PodDisruptionBudget that selects no pod protects nothing.
struct DisruptionBudgetRule: Rule {
    let info = RuleInfo(
        id: .disruptionBudget,
        summary: "PodDisruptionBudget selector matches the pods of some workload in its namespace",
        why:
            "A PDB whose selector matches no pod protects nothing: a node drain evicts every replica at once, and nothing reports it. The pods ship with their budget, so a selector matching none of the namespace's workloads in the inputs is a mistake (nearest labels suggested), unless none of those pods carries any of its label keys: then it is for pods another install runs.",
        fix: "Make spec.selector.matchLabels equal to the pod template labels of the workload it protects."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        graph.disruptionBudgets.compactMap { budget in
            guard let selector = budget.selector,
                let problem = PodSelectors.problem(selector, field: "selector", of: budget.object, in: graph)
            else { return nil }
            return info.diagnostic(
                problem.message, at: problem.span, object: budget.object, notes: problem.notes, fix: problem.fix)
        }
    }
}

/// A NetworkPolicy that selects the wrong pods blocks what it meant to allow.
struct NetworkPolicyRule: Rule {
    let info = RuleInfo(
        id: .networkPolicy,
        summary:
            "NetworkPolicy podSelectors (spec, and same-namespace from/to peers) match pods, and named ports are container port names",
        why:
            "A policy whose podSelector matches nothing protects nothing; a peer podSelector with a typo allows no traffic, so once any policy selects the pods the traffic it meant to allow is blocked; a named port no selected container declares allows nothing. Peers that select namespaces or IP blocks are not checked, and a same-namespace peer only when its labels differ from some pods' by a spelling slip (case or a small edit of a key or value, not a whole token: a policy of a core install allowing `argocd-server`, which another install adds, is not a typo of `argocd-redis`).",
        fix:
            "Make the selectors equal to the pod template labels of the workloads, and the named ports equal to their containerPort names."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for policy in graph.networkPolicies {
            let object = policy.object
            func report(_ problem: ReferenceProblem?) {
                guard let problem else { return }
                findings.append(
                    info.diagnostic(
                        problem.message, at: problem.span, object: object, notes: problem.notes, fix: problem.fix))
            }
            if let selector = policy.podSelector {
                report(PodSelectors.problem(selector, field: "podSelector", of: object, in: graph))
            }
            for rule in policy.rules {
                var peerPods: [Workload] = []
                var peersKnown = !rule.peers.isEmpty
                for peer in rule.peers {
                    guard !peer.reachesOtherNamespaces, let selector = peer.podSelector else {
                        peersKnown = false
                        continue
                    }
                    report(
                        PodSelectors.problem(
                            selector, field: rule.isIngress ? "ingress from podSelector" : "egress to podSelector",
                            of: object, in: graph, nearOnly: true))
                    peerPods += graph.workloads(matching: selector, in: object.namespace)
                }
                // Named ports name ports of the destination: the policy's own pods for
                // ingress, the peers for egress.
                let destination: [Workload]
                if rule.isIngress {
                    destination = policy.podSelector.map { graph.workloads(matching: $0, in: object.namespace) } ?? []
                } else {
                    destination = peersKnown ? peerPods : []
                }
                guard !destination.isEmpty else { continue }
                for port in rule.ports {
                    guard case .name(let name)? = port.port, let node = port.portNode else { continue }
                    let declared = destination.flatMap { $0.template.servingContainers.flatMap(\.ports) }
                    guard !declared.contains(where: { $0.name == name && $0.protocol == port.protocol }) else {
                        continue
                    }
                    let names = Array(Set(declared.compactMap(\.name))).sorted()
                    let span = object.span(node)
                    findings.append(
                        info.diagnostic(
                            "\(object.title) allows port `\(name)`, but no container of the pods it applies to declares a \(port.protocol) port with that name, so nothing is allowed",
                            at: span, object: object,
                            notes: destination.prefix(1).map { workload in
                                DiagnosticNote(
                                    "\(workload.object.title) declares "
                                        + (names.isEmpty ? "no named ports" : names.joined(separator: ", ")),
                                    at: workload.template.specNode.map(workload.object.span))
                            },
                            fix: ReferenceResolver.nearestName(name, in: names).map {
                                SuggestedFix(
                                    "did you mean `\($0)`?", replacing: span, with: $0, applicability: .maybeIncorrect)
                            }))
                }
            }
        }
        return findings
    }
}
