import KubeDiagnostics
import KubeModel

/// A Service whose selector matches no pod template has no endpoints: every
/// request through it fails with 503. Pods count with the labels their
/// controllers add and with the pod labels custom resources give their
/// operators; a selector is proven wrong by a near label set (a typo), by the
/// namespace's workloads when no custom resource there may create the pods and
/// some of them carry a label key of the selector, or by exact matches in another
/// namespace when the Service writes its own (one that writes none goes where it
/// is applied, and kubebuilder's placeholder namespace `system` is replaced at install).
struct ServiceSelectorRule: Rule {
    let info = RuleInfo(
        id: .serviceSelector,
        summary: "Service selector matches the pod labels of some workload in its namespace",
        why:
            "A Service whose selector matches no pod gets no endpoints; clients and the ingress get 503 or connection refused. Pods the cluster runs without manifests count: a Service in kube-system selecting `component: kube-scheduler` (kube-controller-manager, kube-apiserver, etcd; optionally `tier: control-plane`) reaches the static control-plane pods, as monitoring stacks do.",
        fix:
            "Make the selector's keys and values equal to the pod template labels (spec.template.metadata.labels) of the workload it fronts."
    )

    /// The namespace kubebuilder and operator-sdk scaffolds write (`namespace: system`) for the
    /// install to replace: not one a cluster runs.
    static let placeholderNamespaces: Set<String> = ["system"]

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        let together = AppliedTogether(graph, context: context)
        for service in graph.services where service.selectsPods {
            guard graph.workloads(selectedBy: service).isEmpty,
                !graph.operatorPods(in: service.object.namespace).contains(where: { service.selects($0.labels) }),
                !ControlPlanePods.mayBeSelected(by: service.selector, in: service.object.namespace)
            else { continue }
            // A selector value that is no label value is name-format's error: the API server
            // rejects the Service, so it selects nothing only as a consequence.
            if service.selector.contains(where: { NameValidation.qualifiedNamePart($0.value, allowEmpty: true) != nil })
            {
                continue
            }
            // A Service that writes no namespace goes where it is applied (`kubectl apply -n`): pods of
            // the inputs in another namespace that carry its labels are what it is applied beside.
            // Likewise kubebuilder's placeholder namespace `system` (config/default's `namespace:`, or
            // OLM's install namespace for a bundle, replaces it): pods left there by an overlay that
            // adds its own resources are the Service's, once installed.
            if graph.workloads.contains(where: { workload in
                let namespace = workload.object.namespace
                return namespace != service.object.namespace
                    && (!service.object.namespaceIsWritten
                        || Self.placeholderNamespaces.contains(namespace)
                        || Self.placeholderNamespaces.contains(service.object.namespace))
                    && workload.podsCarry(all: service.selector)
            }) {
                continue
            }
            guard let finding = diagnose(service, graph: graph, together: together) else { continue }
            findings.append(finding)
        }
        return findings
    }

    private func diagnose(_ service: Service, graph: ManifestGraph, together: AppliedTogether) -> Diagnostic? {
        let object = service.object
        let selectorSpan =
            (object.spec?.keyNode("selector") ?? service.selectorNode).map(object.span) ?? object.startSpan
        let users = Wiring.users(of: service, port: nil, in: graph)
        let candidates = graph.workloads(in: object.namespace)
        // Beside custom resources (their operators) or templates (a script): pods the inputs do not show.
        let operatorsMayCreate =
            graph.hasCustomResources(in: object.namespace) || together.templatesBeside(object.file)
        guard let best = LabelSuggestion.closest(service.selector, among: candidates) else {
            let elsewhere = graph.workloads.lazy.filter {
                $0.object.namespace != object.namespace && $0.podsCarry(all: service.selector)
            }
            var notes: [DiagnosticNote] = []
            if let other = elsewhere.first {
                notes.append(
                    DiagnosticNote(
                        "pods of \(other.object.title) in namespace \(other.object.namespace) match, but a Service selects only in its own namespace",
                        at: other.template.labelsNode.map(other.object.span)))
            } else if let other = Set(graph.objects.map(\.namespace)).subtracting([object.namespace]).sorted()
                .lazy.flatMap({ graph.operatorPods(in: $0) }).first(where: { service.selects($0.labels) })
            {
                notes.append(
                    DiagnosticNote(
                        "pods that the operator of \(other.object.title) creates in namespace \(other.object.namespace) match, but a Service selects only in its own namespace",
                        at: other.object.span(other.labelsNode)))
            } else if candidates.isEmpty || operatorsMayCreate
                || !service.selector.contains(where: { entry in candidates.contains { $0.podsCarryKey(entry.key) } })
            {
                // The pods may be created outside the inputs (another chart, an operator); a selector
                // on label keys no pod of the namespace carries (`app` where every pod has
                // `app.kubernetes.io/name`) aims at pods of such another install.
                return nil
            }
            return info.diagnostic(
                "Service \(object.displayName) selects \(service.selector.rendered), but no pod template in namespace \(object.namespace) has these labels",
                at: selectorSpan, object: object, notes: notes + users,
                fix: SuggestedFix("label the pods this Service should reach with \(service.selector.rendered)"))
        }
        let explanation = LabelSuggestion.explain(service.selector, of: object, nearest: best)
        if operatorsMayCreate && !LabelSuggestion.isSpellingSlip(explanation, of: best) { return nil }
        let wrong = explanation.wrong
        return info.diagnostic(
            "Service \(object.displayName) selects \(service.selector.rendered), but no pod template in namespace \(object.namespace) has `\(wrong.key): \(wrong.value)`",
            at: explanation.primary, object: object, notes: explanation.notes + users, fix: explanation.fix)
    }
}
