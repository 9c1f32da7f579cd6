import KubeDiagnostics
import KubeModel

/// An Ingress TLS section whose Secret is misspelt serves the controller's fake certificate.
struct IngressTLSRule: Rule {
    let info = RuleInfo(
        id: .ingressTls,
        summary: "Ingress tls[].secretName names a Secret of the Ingress's namespace",
        why:
            "When the TLS Secret does not exist, ingress-nginx serves its self-signed default certificate and browsers refuse the host. TLS Secrets are usually created outside the inputs (cert-manager, a vault), so only a near-miss of a Secret the inputs define is reported (a case change or a small edit; a shared token such as `secret` or `tls` makes no typo: `smoke-secret` is not near `cafe-secret`); a cert-manager Certificate, an ExternalSecret, a SealedSecret and an Ingress annotated for cert-manager count as defining it.",
        fix: "Name the Secret the Certificate (or your tooling) creates, in the Ingress's namespace."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        info.findings(graph.ingresses.flatMap(\.tlsSecrets), in: graph, context: context)
    }
}
