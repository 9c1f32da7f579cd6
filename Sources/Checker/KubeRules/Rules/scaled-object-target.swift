import KubeDiagnostics
import KubeModel

/// A KEDA ScaledObject whose target does not exist scales nothing, silently.
struct ScaledObjectTargetRule: Rule {
    let info = RuleInfo(
        id: .scaledObjectTarget,
        summary:
            "KEDA ScaledObject scaleTargetRef names a workload of its namespace (kind Deployment unless written)",
        why:
            "KEDA creates the HorizontalPodAutoscaler for a ScaledObject's scaleTargetRef (kind Deployment when not written); when no such object exists the ScaledObject is never Ready and nothing scales, with no error at apply time. The target ships with its ScaledObject, so when the inputs define objects of that kind in the namespace an absent one is a mistake.",
        fix:
            "Set scaleTargetRef.name (and .kind, for a StatefulSet or a Rollout) to the workload in the ScaledObject's namespace."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        info.findings(graph.scaledObjects.compactMap(\.target), in: graph, context: context, shipsWithUsers: true)
    }
}
