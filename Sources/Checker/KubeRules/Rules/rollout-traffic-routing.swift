import KubeDiagnostics
import KubeModel
import KubeYAML

/// A canary Rollout that shifts traffic through Istio edits the VirtualService routes and
/// DestinationRule subsets it names; a misspelt one stops the rollout at its first step.
struct RolloutTrafficRoutingRule: Rule {
    let info = RuleInfo(
        id: .rolloutTrafficRouting,
        summary:
            "Argo Rollout Istio trafficRouting names a VirtualService and its HTTP routes, and a DestinationRule with the canary and stable subsets",
        why:
            "The Rollout controller sets the canary weight by editing the named HTTP routes of the VirtualService, and the canary and stable subsets of the DestinationRule; a VirtualService, route (\"HTTP Route 'x' is not found in the defined Virtual Service\"), DestinationRule or subset that does not exist stops the rollout with an error, after the new version's pods started. These objects ship with the Rollout, so an absent one is reported when the inputs define others of its kind in the namespace (or a near name).",
        fix:
            "Name the VirtualService (and its `http[].name` routes) and the DestinationRule (and its subsets) that route this Rollout's Services."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for rollout in graph.rollouts where !rollout.virtualServices.isEmpty || rollout.destinationRule != nil {
            let object = rollout.object
            let references = rollout.virtualServices.map(\.reference) + (rollout.destinationRule.map { [$0] } ?? [])
            for reference in references {
                // Another namespace is another release's; there only a near name proves it missing.
                findings += info.findings(
                    [reference], in: graph, context: context, shipsWithUsers: reference.namespace == object.namespace)
            }
            for virtualService in rollout.virtualServices {
                let reference = virtualService.reference
                // Argo validates the named HTTP routes only when the VirtualService has `http`
                // (GetHttpRoutesI): routes of a TLS- or TCP-only one are ignored.
                guard
                    let target = graph.virtualServices.first(where: {
                        $0.object.namespace == reference.namespace && $0.object.name == reference.name
                    }), target.object.spec?["http"] != nil
                else { continue }
                let names = target.httpRoutes.compactMap(\.name)
                for (route, node) in virtualService.routes where !names.contains(route) {
                    findings.append(
                        missing(
                            "HTTP route `\(route)`", in: target.object, members: names, noun: "named HTTP routes",
                            membersNode: target.object.spec?["http"], at: node, of: object))
                }
            }
            if let reference = rollout.destinationRule,
                let target = graph.destinationRules.first(where: {
                    $0.object.namespace == reference.namespace && $0.object.name == reference.name
                })
            {
                let names = target.subsets.map(\.name)
                for (field, subset, node) in rollout.destinationRuleSubsets where !names.contains(subset) {
                    findings.append(
                        missing(
                            "subset `\(subset)` (\(field))", in: target.object, members: names, noun: "subsets",
                            membersNode: target.object.spec?["subsets"], at: node, of: object))
                }
            }
        }
        return findings
    }

    private func missing(
        _ what: String, in target: ManifestObject, members: [String], noun: String, membersNode: YAMLNode?,
        at node: YAMLNode, of object: ManifestObject
    ) -> Diagnostic {
        let span = object.span(node)
        let written = node.string ?? ""
        return info.diagnostic(
            "\(object.title) shifts traffic through \(what) of \(target.title), which has no such entry: the rollout stops at its first step",
            at: span, object: object,
            notes: [
                DiagnosticNote(
                    "\(target.title) "
                        + (members.isEmpty ? "has no \(noun)" : "has \(noun) \(members.joined(separator: ", "))")
                        + " here", at: target.span(membersNode ?? target.root))
            ],
            fix: ReferenceResolver.nearestName(written, in: members).map {
                SuggestedFix("did you mean `\($0)`?", replacing: span, with: $0, applicability: .maybeIncorrect)
            } ?? SuggestedFix("name one of the \(noun) of \(target.title), or add it there"))
    }
}
