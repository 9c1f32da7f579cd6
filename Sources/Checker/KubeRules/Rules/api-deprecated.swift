import KubeDiagnostics
import KubeModel

/// apiVersions the target Kubernetes release still serves but has deprecated.
struct APIDeprecatedRule: Rule {
    let info = RuleInfo(
        id: .apiDeprecated,
        summary: "apiVersion is not deprecated at the target Kubernetes release (--kube-version)",
        why:
            "A deprecated apiVersion still works, with a warning from kubectl, but a later release removes it and then every apply fails. Deprecations after Kubernetes' deprecation guide (kubernetes.io/docs/reference/using-api/deprecation-guide) and pluto's versions table.",
        fix:
            "Move the object to the replacement apiVersion before upgrading; where the schema changed (Ingress backends and pathType, apps/v1 selectors) rewrite those fields too.",
        defaultSeverity: .warning
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        graph.objects.compactMap { object in
            guard let (entry, removed) = APIVersionTable.status(of: object, at: context.kubeVersion), !removed else {
                return nil
            }
            return APIVersionTable.diagnostic(object, entry, removed: false, target: context.kubeVersion, info: info)
        }
    }
}
