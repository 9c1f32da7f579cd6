import KubeDiagnostics
import KubeModel

/// A pod whose claim does not exist stays Pending.
struct VolumeClaimRule: Rule {
    let info = RuleInfo(
        id: .volumeClaim,
        summary: "persistentVolumeClaim.claimName names a PersistentVolumeClaim of the pod's namespace",
        why:
            "A pod whose claim does not exist stays Pending (`persistentvolumeclaim not found`). Claims ship with the workloads that use them, so when the inputs define claims in the namespace an absent one is a mistake. A StatefulSet's volumeClaimTemplates are not references.",
        fix: "Use the name of a PersistentVolumeClaim defined next to the workload, or add that claim."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        info.podReferenceFindings(kind: BuiltinKind.persistentVolumeClaim, in: graph, context: context, shipsWithUsers: true)
    }
}
