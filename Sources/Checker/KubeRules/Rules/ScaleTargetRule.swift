import KubeDiagnostics
import KubeModel

/// An autoscaler whose target does not exist scales nothing, silently.
struct ScaleTargetRule: Rule {
    let info = RuleInfo(
        id: "scale-target",
        summary: "HorizontalPodAutoscaler scaleTargetRef names a workload of its namespace",
        why:
            "An HPA whose scaleTargetRef names no object reports `FailedGetScale` in its events and never scales; nothing else fails, so the workload silently runs at its fixed replica count. The target ships with its autoscaler, so when the inputs define objects of that kind in the namespace an absent one is a mistake.",
        fix: "Set scaleTargetRef.kind and .name to the Deployment or StatefulSet the HPA should scale."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        info.findings(graph.autoscalers.compactMap(\.target), in: graph, shipsWithUsers: true)
    }
}
