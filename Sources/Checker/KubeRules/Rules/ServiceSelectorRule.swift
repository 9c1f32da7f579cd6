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
            findings.append(diagnose(service, graph: graph))
        }
        return findings
    }

    private func diagnose(_ service: Service, graph: ManifestGraph) -> Diagnostic {
        let object = service.object
        let selectorSpan =
            (object.spec?.keyNode("selector") ?? service.selectorNode).map(object.span) ?? object.startSpan
        let candidates = graph.workloads(in: object.namespace).filter { !$0.template.labels.isEmpty }
        guard let best = closest(service, among: candidates) else {
            let elsewhere = graph.workloads.lazy.filter {
                $0.object.namespace != object.namespace && service.selects($0.template.labels)
            }
            var notes: [DiagnosticNote] = []
            if let other = elsewhere.first {
                notes.append(
                    DiagnosticNote(
                        "pods of \(other.object.kind) \(other.object.name) in namespace \(other.object.namespace) match, but a Service selects only in its own namespace",
                        at: other.template.labelsNode.map(other.object.span)))
            }
            return info.diagnostic(
                "Service \(object.name) selects \(service.selector.rendered), but no pod template in namespace \(object.namespace) has these labels",
                at: selectorSpan, object: object, notes: notes,
                fix: SuggestedFix("label the pods this Service should reach with \(service.selector.rendered)"))
        }
        // Point at the first selector entry that the nearest workload lacks.
        let labels = best.workload.podLabels
        let wrong = service.selector.first { labels[$0.key] != $0.value } ?? service.selector[0]
        let primary: SourceSpan
        var fix: SuggestedFix?
        let where_ = "\(best.workload.object.kind) \(best.workload.object.name)"
        var notes: [DiagnosticNote] = []
        if let podValue = labels[wrong.key],
            let entry = best.workload.template.labels.first(where: { $0.key == wrong.key })
        {
            primary = object.span(wrong.valueNode)
            let location = best.workload.object.span(entry.valueNode)
            fix = SuggestedFix(
                "did you mean `\(wrong.key): \(podValue)` (\(where_), \(location))?", replacing: primary, with: podValue
            )
            notes.append(
                DiagnosticNote("pods of \(where_) are labelled `\(wrong.key): \(podValue)` here", at: location))
        } else if let entry = best.suggestedKey, let labelsNode = best.workload.template.labelsNode {
            primary = object.span(wrong.keyNode)
            let location = best.workload.object.span(entry.keyNode)
            fix = SuggestedFix(
                "did you mean `\(entry.key): \(entry.value)` (\(where_), \(location))?", replacing: primary,
                with: entry.key)
            notes.append(
                DiagnosticNote("pods of \(where_) are labelled here", at: best.workload.object.span(labelsNode)))
        } else {
            primary = object.span(wrong.keyNode)
            let location = best.workload.template.labelsNode.map(best.workload.object.span)
            fix = SuggestedFix(
                "remove `\(wrong.key)` from the selector or add it to the pod labels of \(where_)")
            notes.append(
                DiagnosticNote("pods of \(where_) are labelled \(best.workload.template.labels.rendered)", at: location)
            )
        }
        return info.diagnostic(
            "Service \(object.name) selects \(service.selector.rendered), but no pod template in namespace \(object.namespace) has `\(wrong.key): \(wrong.value)`",
            at: primary, object: object, notes: notes, fix: fix)
    }

    private struct Candidate {
        var workload: Workload
        var distance: Int
        var suggestedKey: LabelEntry?
    }

    /// The workload whose labels are nearest the selector: every selector entry
    /// costs the edit distance to the nearest pod label `key: value`.
    private func closest(_ service: Service, among workloads: some Sequence<Workload>) -> Candidate? {
        var best: Candidate?
        for workload in workloads {
            var total = 0
            var suggestedKey: LabelEntry?
            for entry in service.selector {
                let wanted = "\(entry.key): \(entry.value)"
                var cheapest = wanted.count
                for label in workload.template.labels {
                    let distance = editDistance(wanted, "\(label.key): \(label.value)")
                    if distance < cheapest {
                        cheapest = distance
                        if label.key != entry.key && workload.podLabels[entry.key] == nil { suggestedKey = label }
                    }
                }
                total += cheapest
            }
            if let current = best, current.distance <= total { continue }
            best = Candidate(workload: workload, distance: total, suggestedKey: suggestedKey)
        }
        guard let best else { return nil }
        // Only suggest when the nearest set is plausibly a typo of the selector.
        let size = service.selector.reduce(0) { $0 + $1.key.count + $1.value.count + 2 }
        return best.distance <= max(3, size / 2) ? best : nil
    }
}
