import KubeDiagnostics
import KubeModel

/// A pod naming a ConfigMap key that is not there never starts its container.
struct ConfigMapReferenceRule: Rule {
    let info = RuleInfo(
        id: .configmapRef,
        summary:
            "ConfigMaps named by pods (env valueFrom, envFrom, configMap and projected volumes) exist with the keys named",
        why:
            "A missing ConfigMap or key stops the container with CreateContainerConfigError (env) or keeps the pod in ContainerCreating (volume), although every object applies cleanly. ConfigMaps created outside the inputs are not reported; `optional: true` is respected.",
        fix:
            "Name a ConfigMap of the pod's namespace and a key under its `data` or `binaryData`, or mark the reference `optional: true`."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        info.podReferenceFindings(kind: BuiltinKind.configMap, in: graph, context: context)
    }
}
