import KubeDiagnostics
import KubeModel
import KubeYAML

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
