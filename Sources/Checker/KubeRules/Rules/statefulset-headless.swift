import KubeDiagnostics
import KubeModel

/// The governing Service exists but has a cluster IP: no per-pod DNS records.
struct StatefulSetHeadlessRule: Rule {
    let info = RuleInfo(
        id: .statefulsetHeadless,
        summary: "The Service a StatefulSet names in serviceName is headless (clusterIP: None)",
        why:
            "Per-pod DNS records (`web-0.NAME.NAMESPACE.svc`) exist only for a headless Service; with a cluster IP the name resolves to the Service's virtual IP and peers cannot address each other. A note, not a warning: many StatefulSets never address their peers by name (single-replica databases, apps that only need stable volumes), and on real repositories none of the findings was a problem.",
        fix: "Set `clusterIP: None` on the governing Service (a separate Service can keep the cluster IP for clients).",
        defaultSeverity: .note
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        graph.workloads.compactMap { workload -> Diagnostic? in
            guard let reference = workload.governingService,
                let service = graph.service(named: reference.name, in: reference.namespace),
                service.object.spec?["clusterIP"]?.scalar != "None"
            else { return nil }
            let object = workload.object
            return info.diagnostic(
                "\(object.title) names Service \(service.object.displayName) as its serviceName, but that Service is not headless, so its pods get no DNS names of their own",
                at: object.span(reference.nameNode), object: object,
                notes: [
                    DiagnosticNote("Service \(service.object.displayName) is defined here", at: service.object.nameSpan)
                ],
                fix: SuggestedFix("add `clusterIP: None` to the spec of Service \(service.object.displayName)"))
        }
    }
}
