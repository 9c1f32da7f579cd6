import KubeDiagnostics
import KubeModel
import KubeYAML

/// What a ServiceMonitor or PodMonitor finds in the inputs, and whether that is all there is:
/// a monitor's ports are checked only when every namespace it searches is in the inputs (`any:
/// true` never is), and a selector that matches nothing is proven wrong without a near miss
/// only in the monitor's own namespace: monitors of other namespaces watch what the cluster and
/// other releases create (the API server's `default/kubernetes`, kubelet, CoreDNS, operators).
struct MonitorScope {
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
    var rendered: String {
        (matchLabels.map { "\($0.key)=\($0.value)" }.sorted()
            + matchExpressions.map { "\($0.key) \($0.operatorText) (\($0.values.joined(separator: ",")))" })
            .joined(separator: ",")
    }
}

/// The monitor's scrape endpoints whose container port (`targetPort`, or a PodMonitor's `port`)
/// no pod of `pods` declares.
func containerPortFindings(
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
