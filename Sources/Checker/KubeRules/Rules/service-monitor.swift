import KubeDiagnostics
import KubeModel
import KubeYAML

/// What a ServiceMonitor or PodMonitor finds in the inputs, and whether that is all there is:
/// a monitor's ports are checked only when every namespace it searches is in the inputs (`any:
/// true` never is), and a selector that matches nothing is proven wrong without a near miss
/// only in the monitor's own namespace: monitors of other namespaces watch what the cluster and
/// other releases create (the API server's `default/kubernetes`, kubelet, CoreDNS, operators).
private struct MonitorScope {
    var namespaces: [String]
    /// Every searched namespace holds objects of the selected kind in the inputs.
    var complete: Bool
    /// `complete`, and the monitor searches only its own namespace.
    var ownNamespaceOnly: Bool

    init(_ monitor: Monitor, populated: Set<String>) {
        let searched = monitor.searchedNamespaces(among: populated)
        namespaces = searched.filter(populated.contains)
        complete = monitor.namespaces != .any && !searched.isEmpty && namespaces.count == searched.count
        ownNamespaceOnly = complete && searched == [monitor.object.namespace]
    }

    var described: String {
        namespaces.count == 1 ? "namespace \(namespaces[0])" : "namespaces \(namespaces.joined(separator: ", "))"
    }
}

extension LabelSelector {
    /// `app=web,tier In (a,b)` for messages.
    fileprivate var rendered: String {
        (matchLabels.map { "\($0.key)=\($0.value)" }.sorted()
            + matchExpressions.map { "\($0.key) \($0.operatorText) (\($0.values.joined(separator: ",")))" })
            .joined(separator: ",")
    }
}

/// The monitor's scrape endpoints whose container port (`targetPort`, or a PodMonitor's `port`)
/// no pod of `pods` declares.
private func containerPortFindings(
    _ monitor: Monitor, pods: [Workload], info: RuleInfo,
    fieldOf: (MonitorEndpoint) -> (PortReference, YAMLNode, field: String)?
) -> [Diagnostic] {
    guard let first = pods.first else { return [] }
    let object = monitor.object
    let declared = pods.flatMap { $0.template.servingContainers.flatMap(\.ports) }
    var findings: [Diagnostic] = []
    for endpoint in monitor.endpoints {
        guard let (reference, node, field) = fieldOf(endpoint), !declared.contains(where: reference.matches) else {
            continue
        }
        let span = object.span(node)
        let names = Array(Set(declared.compactMap(\.name))).sorted()
        let numbers = Array(Set(declared.compactMap(\.number))).sorted()
        let described: String
        switch reference {
        case .name: described = names.isEmpty ? "no named ports" : "ports named " + names.joined(separator: ", ")
        case .number:
            described = numbers.isEmpty ? "no ports" : "ports " + numbers.map(String.init).joined(separator: ", ")
        }
        func shown(_ reference: PortReference) -> String {
            switch reference {
            case .name(let name): "`\(name)`"
            case .number(let number): String(number)
            }
        }
        var fix: SuggestedFix?
        if case .name(let name) = reference, let guess = ReferenceResolver.nearestName(name, in: names) {
            fix = SuggestedFix("did you mean `\(guess)`?", replacing: span, with: guess, applicability: .maybeIncorrect)
        }
        findings.append(
            info.diagnostic(
                "\(object.title) \(field) names container port \(shown(reference)), but no container of the pods it reaches declares it: Prometheus scrapes nothing there",
                at: span, object: object,
                notes: [
                    DiagnosticNote(
                        "the containers of \(first.object.title)\(pods.count > 1 ? " (and \(pods.count - 1) more workloads)" : "") declare \(described)",
                        at: first.template.specNode.map(first.object.span))
                ], fix: fix))
    }
    return findings
}

/// A ServiceMonitor that selects no Service, or names a port the Services lack, makes Prometheus
/// scrape nothing, and nothing reports it.
struct ServiceMonitorRule: Rule {
    let info = RuleInfo(
        id: .serviceMonitor,
        summary:
            "ServiceMonitor selector matches Services (by their labels) in the namespaces it searches; endpoints[].port is a port name of those Services and targetPort a container port of their pods",
        why:
            "The prometheus-operator turns a ServiceMonitor into a scrape job that keeps only the endpoints of Services whose metadata.labels match its selector, in its own namespace unless namespaceSelector says otherwise, and only on the Service port whose name is endpoints[].port (targetPort: the container port of the pod). A typo leaves the target list empty: no error, no metrics, and alerts on absent metrics are often missing too. A selector matching nothing is reported when the monitor searches only its own namespace and the inputs define Services there, elsewhere only as a near miss (monitors of other namespaces watch Services the cluster and other releases create); ports are checked when every namespace searched is in the inputs.",
        fix:
            "Match the selector to the labels of the Service (metadata.labels, not its selector), and endpoints[].port to the name of one of its ports."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        let monitors = graph.monitors.filter { !$0.selectsPods }
        guard !monitors.isEmpty else { return [] }
        let populated = Set(graph.services.map(\.object.namespace))
        var findings: [Diagnostic] = []
        for monitor in monitors {
            let scope = MonitorScope(monitor, populated: populated)
            guard !scope.namespaces.isEmpty else { continue }
            let candidates = graph.services.filter { scope.namespaces.contains($0.object.namespace) }
            let selected: [Service]
            if let selector = monitor.selector, !selector.isEmpty {
                // An operator the API does not define selects nothing: that is the schema's finding.
                guard selector.matchExpressions.allSatisfy({ $0.operator != nil }) else { continue }
                selected = candidates.filter { selector.matches($0.object.labels.dictionary) }
                if selected.isEmpty {
                    if let finding = selectorFinding(monitor, selector, candidates: candidates, scope: scope) {
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
        _ monitor: Monitor, _ selector: LabelSelector, candidates: [Service], scope: MonitorScope
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
        guard scope.ownNamespaceOnly else { return nil }
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
}

/// A PodMonitor that selects no pod, or names a port its pods do not declare, scrapes nothing.
struct PodMonitorRule: Rule {
    let info = RuleInfo(
        id: .podMonitor,
        summary:
            "PodMonitor selector matches pods in the namespaces it searches, and podMetricsEndpoints[].port is a container port name of those pods",
        why:
            "The prometheus-operator keeps only pods whose labels match a PodMonitor's selector, in its own namespace unless namespaceSelector says otherwise, and only their container port named podMetricsEndpoints[].port; a typo in either leaves Prometheus scraping nothing, silently. A selector matching nothing is reported when the monitor searches only its own namespace and the inputs define workloads there, elsewhere only as a near miss; ports are checked when every namespace searched has its workloads in the inputs.",
        fix:
            "Match the selector to the pod template labels of the workload, and port to the `name` of one of its containerPorts."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        let monitors = graph.monitors.filter(\.selectsPods)
        guard !monitors.isEmpty else { return [] }
        let populated = Set(graph.workloads.map(\.object.namespace))
        var findings: [Diagnostic] = []
        for monitor in monitors {
            let object = monitor.object
            let scope = MonitorScope(monitor, populated: populated)
            guard !scope.namespaces.isEmpty else { continue }
            let candidates = scope.namespaces.flatMap { graph.workloads(in: $0) }
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
                    } else if scope.ownNamespaceOnly {
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
