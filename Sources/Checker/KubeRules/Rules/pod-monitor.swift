import KubeDiagnostics
import KubeModel

/// A PodMonitor that selects no pod, or names a port its pods do not declare, scrapes nothing.
struct PodMonitorRule: Rule {
    let info = RuleInfo(
        id: .podMonitor,
        summary:
            "PodMonitor selector matches pods in the namespaces it searches, and podMetricsEndpoints[].port is a container port name of those pods",
        why:
            "The prometheus-operator keeps only pods whose labels match a PodMonitor's selector, in its own namespace unless namespaceSelector says otherwise, and only their container port named podMetricsEndpoints[].port; a typo in either leaves Prometheus scraping nothing, silently. Only workloads that may be applied with the monitor are evidence (a sibling folder is another deploy unit). A selector matching nothing is reported when the monitor searches only its own namespace, the inputs define workloads there and no custom resource there may have its operator create the pods; elsewhere only as a near miss; ports are checked when every namespace searched has its workloads in the inputs.",
        fix:
            "Match the selector to the pod template labels of the workload, and port to the `name` of one of its containerPorts."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        let monitors = graph.monitors.filter(\.selectsPods)
        guard !monitors.isEmpty else { return [] }
        let together = AppliedTogether(graph, context: context)
        var findings: [Diagnostic] = []
        for monitor in monitors {
            let object = monitor.object
            // Only workloads that may be applied with the monitor are evidence (a sibling folder is
            // another deploy unit).
            let workloads = graph.workloads.filter { together.mayApply($0.object.file, with: object.file) }
            let scope = MonitorScope(monitor, populated: Set(workloads.map(\.object.namespace)))
            guard !scope.namespaces.isEmpty else { continue }
            let candidates = scope.namespaces.flatMap {
                graph.workloads(in: $0).filter { together.mayApply($0.object.file, with: object.file) }
            }
            var pods = candidates
            if let selector = monitor.selector, !selector.isEmpty {
                guard selector.matchExpressions.allSatisfy({ $0.operator != nil }) else { continue }
                pods = candidates.filter { selector.matches($0.podLabels) }
                if pods.isEmpty {
                    let rendered = selector.rendered
                    let subject =
                        "\(object.title) selects pods labelled \(rendered), but no pod template in \(scope.described) matches: Prometheus scrapes nothing"
                    if let best = LabelSuggestion.closest(selector.matchLabels, among: candidates) {
                        let explanation = LabelSuggestion.explain(selector.matchLabels, of: object, nearest: best)
                        findings.append(
                            info.diagnostic(
                                subject + " (`\(explanation.wrong.key): \(explanation.wrong.value)`)",
                                at: explanation.primary, object: object, notes: explanation.notes,
                                fix: explanation.fix))
                    } else if scope.ownNamespaceOnly, !graph.hasCustomResources(in: object.namespace),
                        !together.templatesBeside(object.file)
                    {
                        // Beside custom resources an operator may create the pods: only a near miss
                        // proves the selector wrong.
                        findings.append(
                            info.diagnostic(
                                subject, at: object.span(object.spec?.keyNode("selector") ?? selector.node),
                                object: object,
                                fix: SuggestedFix("select the pod template labels of the workload to scrape")))
                    }
                    continue
                }
            }
            guard scope.complete else { continue }
            findings += containerPortFindings(monitor, pods: pods, info: info) { endpoint in
                if let port = endpoint.port, let node = endpoint.portNode { return (.name(port), node, "port") }
                guard let reference = endpoint.targetPort, let node = endpoint.targetPortNode else { return nil }
                return (reference, node, "targetPort")
            }
        }
        return findings
    }
}
