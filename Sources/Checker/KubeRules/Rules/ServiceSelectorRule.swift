import KubeDiagnostics
import KubeModel

/// A Service whose selector matches no pod template has no endpoints: every
/// request through it fails with 503.
struct ServiceSelectorRule: Rule {
    let info = RuleInfo(
        id: "service-selector",
        summary: "Service selector matches the pod labels of some workload in its namespace",
        why:
            "A Service whose selector matches no pod gets no endpoints; clients and the ingress get 503 or connection refused.",
        fix:
            "Make the selector's keys and values equal to the pod template labels (spec.template.metadata.labels) of the workload it fronts."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for service in graph.services where service.selectsPods {
            guard graph.workloads(selectedBy: service).isEmpty else { continue }
            // A selector value that is no label value is name-format's error: the API server
            // rejects the Service, so it selects nothing only as a consequence.
            if service.selector.contains(where: { NameValidation.qualifiedNamePart($0.value, allowEmpty: true) != nil })
            {
                continue
            }
            findings.append(diagnose(service, graph: graph))
        }
        return findings
    }

    private func diagnose(_ service: Service, graph: ManifestGraph) -> Diagnostic {
        let object = service.object
        let selectorSpan =
            (object.spec?.keyNode("selector") ?? service.selectorNode).map(object.span) ?? object.startSpan
        let users = Wiring.users(of: service, port: nil, in: graph)
        let candidates = graph.workloads(in: object.namespace)
        guard let best = LabelSuggestion.closest(service.selector, among: candidates) else {
            let elsewhere = graph.workloads.lazy.filter {
                $0.object.namespace != object.namespace && service.selects($0.template.labels)
            }
            var notes: [DiagnosticNote] = []
            if let other = elsewhere.first {
                notes.append(
                    DiagnosticNote(
                        "pods of \(other.object.title) in namespace \(other.object.namespace) match, but a Service selects only in its own namespace",
                        at: other.template.labelsNode.map(other.object.span)))
            }
            return info.diagnostic(
                "Service \(object.displayName) selects \(service.selector.rendered), but no pod template in namespace \(object.namespace) has these labels",
                at: selectorSpan, object: object, notes: notes + users,
                fix: SuggestedFix("label the pods this Service should reach with \(service.selector.rendered)"))
        }
        let explanation = LabelSuggestion.explain(service.selector, of: object, nearest: best)
        let wrong = explanation.wrong
        return info.diagnostic(
            "Service \(object.displayName) selects \(service.selector.rendered), but no pod template in namespace \(object.namespace) has `\(wrong.key): \(wrong.value)`",
            at: explanation.primary, object: object, notes: explanation.notes + users, fix: explanation.fix)
    }
}
