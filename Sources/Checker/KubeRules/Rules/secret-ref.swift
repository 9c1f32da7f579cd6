import KubeDiagnostics
import KubeModel

/// A pod naming a Secret key that is not there never starts its container.
struct SecretReferenceRule: Rule {
    let info = RuleInfo(
        id: .secretRef,
        summary:
            "Secrets named by pods (env valueFrom, envFrom, secret and projected volumes, imagePullSecrets) exist with the keys named",
        why:
            "A missing Secret or key stops the container with CreateContainerConfigError or keeps the pod in ContainerCreating. Secrets are often created outside the repository (a vault, `kubectl create secret`), so only what the inputs prove is reported: a Secret in the inputs without the key, or an absent one with a near name (a case change or a small edit; a shared token such as `secret` makes no typo: `hf-secret` is not near `chap-secret`). A cert-manager Certificate, an ExternalSecret, a SealedSecret and an Ingress annotated for cert-manager count as defining their Secret; `optional: true` is respected.",
        fix:
            "Name a Secret of the pod's namespace and a key under its `data` or `stringData`, or mark the reference `optional: true`."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        info.podReferenceFindings(kind: BuiltinKind.secret, in: graph, context: context)
    }
}
