import KubeDiagnostics

extension RuleInfo {
    /// apiVersions the target Kubernetes release still serves but has deprecated.
    ///
    /// Reported by `APIPass` (Passes/APIPass.swift) from `APIVersionTable.status`.
    static let apiDeprecated = RuleInfo(
        id: .apiDeprecated,
        summary: "apiVersion is not deprecated at the target Kubernetes release (--kube-version)",
        why:
            "A deprecated apiVersion still works, with a warning from kubectl, but a later release removes it and then every apply fails. Deprecations after Kubernetes' deprecation guide (kubernetes.io/docs/reference/using-api/deprecation-guide) and pluto's versions table.",
        fix:
            "Move the object to the replacement apiVersion before upgrading; where the schema changed (Ingress backends and pathType, apps/v1 selectors) rewrite those fields too.",
        defaultSeverity: .warning
    )
}
