import KubeDiagnostics
import KubeModel

/// A pod naming a ServiceAccount that does not exist is never created.
struct ServiceAccountRule: Rule {
    let info = RuleInfo(
        id: .serviceAccount,
        summary: "serviceAccountName names a ServiceAccount of the pod's namespace (`default` always exists)",
        why:
            "The API server refuses to create pods for a ServiceAccount that does not exist (`serviceaccount not found`): the ReplicaSet retries forever and no pod appears. ServiceAccounts ship with the workloads that use them, so when the inputs define ServiceAccounts in the namespace an absent one is a mistake.",
        fix: "Use the name of a ServiceAccount defined next to the workload, or add it."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        info.podReferenceFindings(kind: BuiltinKind.serviceAccount, in: graph, context: context, shipsWithUsers: true)
    }
}
