import KubeDiagnostics
import KubeModel
import KubeYAML

/// A ServiceMonitor that selects no Service, or names a port the Services lack, makes Prometheus
/// scrape nothing, and nothing reports it.
struct ServiceMonitorRule: Rule {
    let info = RuleInfo(
        id: .serviceMonitor,
        summary:
            "ServiceMonitor selector matches Services (by their labels) in the namespaces it searches; endpoints[].port is a port name of those Services and targetPort a container port of their pods",
        why:
            "The prometheus-operator turns a ServiceMonitor into a scrape job that keeps only the endpoints of Services whose metadata.labels match its selector, in its own namespace unless namespaceSelector says otherwise, and only on the Service port whose name is endpoints[].port (targetPort: the container port of the pod). A typo leaves the target list empty: no error, no metrics, and alerts on absent metrics are often missing too. Only Services that may be applied with the monitor are evidence (a sibling folder is another deploy unit). A selector matching nothing is reported when the monitor searches only its own namespace, the inputs define Services there and no custom resource there may have its operator create the Service; elsewhere only as a near miss (monitors of other namespaces watch Services the cluster and other releases create); ports are checked when every namespace searched is in the inputs.",
        fix:
            "Match the selector to the labels of the Service (metadata.labels, not its selector), and endpoints[].port to the name of one of its ports."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        let monitors = graph.monitors.filter { !$0.selectsPods }
        guard !monitors.isEmpty else { return [] }
        let together = AppliedTogether(graph, context: context)
        var findings: [Diagnostic] = []
        for monitor in monitors {
            // Only Services that may be applied with the monitor are evidence: a sibling folder is
            // another deploy unit (rook's `monitoring/` beside its `external/` dashboard Services).
            let services = graph.services.filter { together.mayApply($0.object.file, with: monitor.object.file) }
            let scope = MonitorScope(monitor, populated: Set(services.map(\.object.namespace)))
            guard !scope.namespaces.isEmpty else { continue }
            let candidates = services.filter { scope.namespaces.contains($0.object.namespace) }
            let selected: [Service]
            if let selector = monitor.selector, !selector.isEmpty {
                // An operator the API does not define selects nothing: that is the schema's finding.
                guard selector.matchExpressions.allSatisfy({ $0.operator != nil }) else { continue }
                selected = candidates.filter { selector.matches($0.object.labels.dictionary) }
                if selected.isEmpty {
                    if let finding = selectorFinding(
                        monitor, selector, candidates: candidates, scope: scope,
                        operatorsMayCreate: operatorsMayCreate(monitor, graph, together))
                    {
                        findings.append(finding)
                    }
                    continue
                }
            } else {
                selected = candidates
            }
            guard scope.complete else { continue }
            findings += portFindings(monitor, selected: selected)
            // Endpoints of Services whose pods are all in the inputs: only then is a container port proven absent.
            let pods = selected.map { graph.workloads(selectedBy: $0) }
            guard selected.allSatisfy(\.selectsPods), !pods.contains(where: \.isEmpty) else { continue }
            findings += containerPortFindings(monitor, pods: pods.flatMap { $0 }, info: info) { endpoint in
                guard let reference = endpoint.targetPort, let node = endpoint.targetPortNode else { return nil }
                return (reference, node, "targetPort")
            }
        }
        return findings
    }

    private func selectorFinding(
        _ monitor: Monitor, _ selector: LabelSelector, candidates: [Service], scope: MonitorScope,
        operatorsMayCreate: Bool
    ) -> Diagnostic? {
        let object = monitor.object
        let subject =
            "\(object.title) selects Services labelled \(selector.rendered), but no Service in \(scope.described) has these labels: Prometheus scrapes nothing"
        // A one-entry typo: the Service that has every other entry and a near key or value.
        for service in candidates {
            let labels = service.object.labels
            let dictionary = labels.dictionary
            let missing = selector.matchLabels.filter { dictionary[$0.key] != $0.value }
            guard missing.count == 1, selector.matchExpressions.allSatisfy({ $0.matches(dictionary) }) else {
                continue
            }
            let wrong = missing[0]
            let title = service.object.title
            if let value = dictionary[wrong.key], NearName.inputName.nearest(wrong.value, in: [value]) != nil,
                let entry = labels.last(where: { $0.key == wrong.key })
            {
                let span = object.span(wrong.valueNode)
                let location = service.object.span(entry.valueNode)
                return info.diagnostic(
                    subject + " (`\(wrong.key): \(wrong.value)`)", at: span, object: object,
                    notes: [DiagnosticNote("\(title) is labelled `\(wrong.key): \(value)` here", at: location)],
                    fix: SuggestedFix(
                        "did you mean `\(wrong.key): \(value)` (\(title), \(location))?", replacing: span, with: value,
                        applicability: .maybeIncorrect))
            }
            if let entry = labels.first(where: {
                $0.value == wrong.value && dictionary[wrong.key] == nil
                    && NearName.inputName.nearest(wrong.key, in: [$0.key]) != nil
            }) {
                let span = object.span(wrong.keyNode)
                let location = service.object.span(entry.keyNode)
                return info.diagnostic(
                    subject + " (`\(wrong.key): \(wrong.value)`)", at: span, object: object,
                    notes: [DiagnosticNote("\(title) is labelled `\(entry.key): \(entry.value)` here", at: location)],
                    fix: SuggestedFix(
                        "did you mean `\(entry.key)` (\(title), \(location))?", replacing: span, with: entry.key,
                        applicability: .maybeIncorrect))
            }
        }
        // Beside custom resources an operator may create the Service (rook's CephCluster: its
        // `rook-ceph-mgr` and `csi-metrics` Services): only a near miss proves the selector wrong.
        guard scope.ownNamespaceOnly, !operatorsMayCreate else { return nil }
        var notes: [DiagnosticNote] = []
        // The usual mistake: the selector copies the Service's pod selector, not its labels.
        if let service = candidates.first(where: { $0.selectsPods && selector.matches($0.selector.dictionary) }) {
            notes.append(
                DiagnosticNote(
                    "\(service.object.title) selects pods with these labels, but a ServiceMonitor matches a Service's own metadata.labels",
                    at: service.object.metadata.map { service.object.span($0.keyNode("labels") ?? $0) }
                        ?? service.object.nameSpan))
        }
        return info.diagnostic(
            subject, at: object.span(object.spec?.keyNode("selector") ?? selector.node),
            object: object, notes: notes,
            fix: SuggestedFix("select the metadata.labels of the Service that exposes the metrics port"))
    }

    private func portFindings(_ monitor: Monitor, selected: [Service]) -> [Diagnostic] {
        let object = monitor.object
        guard let first = selected.first else { return [] }
        let names = Array(Set(selected.flatMap { $0.ports.compactMap(\.name) })).sorted()
        return monitor.endpoints.compactMap { endpoint in
            guard let port = endpoint.port, let node = endpoint.portNode, !names.contains(port) else { return nil }
            let span = object.span(node)
            let firstNames = first.ports.compactMap(\.name)
            return info.diagnostic(
                "\(object.title) scrapes the Service port named `\(port)`, but no Service it selects has a port with that name: Prometheus scrapes nothing there",
                at: span, object: object,
                notes: [
                    DiagnosticNote(
                        "\(first.object.title) "
                            + (firstNames.isEmpty
                                ? "has no named ports" : "names its ports \(firstNames.joined(separator: ", "))")
                            + (selected.count > 1 ? " (of \(selected.count) Services selected)" : ""),
                        at: first.object.span(first.object.spec?["ports"] ?? first.object.root))
                ],
                fix: ReferenceResolver.nearestName(port, in: names).map {
                    SuggestedFix("did you mean `\($0)`?", replacing: span, with: $0, applicability: .maybeIncorrect)
                }
                    ?? SuggestedFix(
                        "set endpoints[].port to the `name` of a port of the Service (name the port if it has none)"))
        }
    }

    /// Whether an operator may create Services in the monitor's namespace that no input names
    /// (the reference resolver's policy for a missing Service, `ReferenceResolver.absence`).
    private func operatorsMayCreate(_ monitor: Monitor, _ graph: ManifestGraph, _ together: AppliedTogether) -> Bool {
        graph.hasCustomResources(in: monitor.object.namespace) || together.templatesBeside(monitor.object.file)
    }
}
