import KubeDiagnostics
import KubeModel

/// A StatefulSet's `serviceName` gives its pods their DNS names.
struct StatefulSetServiceRule: Rule {
    let info = RuleInfo(
        id: .statefulsetService,
        summary: "StatefulSet serviceName names a Service of its namespace",
        why:
            "Pods of a StatefulSet get stable DNS names (`web-0.NAME`) only through the governing Service named by serviceName; when it does not exist, peers cannot find each other and clustered software fails to form. The Service ships with the StatefulSet, so when the inputs define Services in the namespace an absent one is a mistake.",
        fix: "Set serviceName to the (headless) Service defined for the StatefulSet, or add it."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        info.findings(graph.workloads.compactMap(\.governingService), in: graph, context: context, shipsWithUsers: true)
    }
}
