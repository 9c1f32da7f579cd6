import KubeDiagnostics

extension RuleInfo {
    /// apiVersions the target Kubernetes release no longer serves.
    ///
    /// Reported by `APIPass` (Passes/APIPass.swift) from `APIVersionTable.status`.
    static let apiRemoved = RuleInfo(
        id: .apiRemoved,
        summary: "apiVersion is still served by the target Kubernetes release (--kube-version, default the newest)",
        why:
            "The API server rejects objects in a removed apiVersion (`no matches for kind \"Ingress\" in version \"networking.k8s.io/v1beta1\"`), so `kubectl apply` and `skaffold dev` fail. Removals after Kubernetes' deprecation guide (kubernetes.io/docs/reference/using-api/deprecation-guide) and pluto's versions table.",
        fix:
            "Move the object to the replacement apiVersion; where the schema changed (Ingress backends and pathType, apps/v1 selectors) rewrite those fields too."
    )
}
