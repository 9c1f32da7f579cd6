import KubeDiagnostics

extension RuleInfo {
    /// apiVersion and kind name something the API server (or a CRD of the inputs) serves.
    ///
    /// Reported by the schema walk (`APIPass`): `SchemaPass.unknownBuiltin` and `SchemaPass.unknownCustom` in KubeSchema/SchemaPass.swift.
    static let apiKind = RuleInfo(
        id: .apiKind,
        summary:
            "apiVersion and kind are served by the target release (built-in groups) or by a CustomResourceDefinition of the inputs",
        why:
            "kubectl maps apiVersion+kind to a REST resource through discovery; a typo (`app/v1`, `networking.k8s.io/v1Ingress`, `kind: Deploymnet`) fails with `no matches for kind … in version …` and nothing is applied. A group that is not built in is a custom resource and is only checked when its CRD is among the inputs.",
        fix: "Use the apiVersion and kind the message suggests (`kubectl api-resources` lists what a cluster serves)."
    )
}
