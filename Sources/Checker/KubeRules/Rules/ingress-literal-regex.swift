import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

extension RuleInfo {
    /// A regex-looking path on a host that ingress-nginx serves in literal mode.
    ///
    /// Reported by `IngressNginxPass` (Passes/IngressNginxPass.swift).
    static let ingressLiteralRegex = RuleInfo(
        id: .ingressLiteralRegex,
        summary: "Regex-looking paths are on a host in regex mode (use-regex), not matched as literal prefixes",
        why:
            "Without nginx.ingress.kubernetes.io/use-regex on some Ingress for the host, ingress-nginx matches `/posts/?(.*)` as the literal prefix `/posts/?(.*)`, which no request starts with. Only Ingresses ingress-nginx serves are read: class nginx, an IngressClass of controller k8s.io/ingress-nginx in the inputs, or no class (unless the inputs make another controller's class the default); ALB, GCE, traefik or istio Ingresses match paths their own way. A regex path of type Exact or Prefix is ingress-path's error instead: ingress-nginx ≥ 1.12 rejects that Ingress, so nothing is matched as a literal prefix.",
        fix:
            "Add the annotation `nginx.ingress.kubernetes.io/use-regex: \"true\"` (and pathType ImplementationSpecific), or write a literal path.",
        defaultSeverity: .warning
    )
}

/// ingress-literal-regex's findings from the hosts ingress-nginx serves (`NginxHosts`, built once per check).
struct IngressLiteralRegexRule {
    let info: RuleInfo = .ingressLiteralRegex

    func check(_ nginx: NginxHosts, graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for host in nginx.hosts where !host.regexMode {
            // A path no request can reach at all is ingress-path-unmatchable's error, not also this warning.
            for location in host.locations
            where LocationRegex.looksLikeRegex(location.path.path)
                && IngressPathUnmatchableRule.unmatchableCharacter(in: location.path.effectivePath) == nil
                // An Exact or Prefix regex path makes ingress-nginx ≥ 1.12 reject the Ingress (ingress-path's
                // error): nothing is matched, literally or not.
                && !IngressPathRule.strictPathTypeRejects(location.path)
            {
                findings.append(
                    info.diagnostic(
                        "path \(location.path.path) looks like a regular expression, but no Ingress for host \(host.displayName) sets \(Ingress.useRegexAnnotation): \"true\", so ingress-nginx matches it as a literal prefix",
                        at: location.span, object: location.object,
                        fix: SuggestedFix(
                            "add the annotation `\(Ingress.useRegexAnnotation): \"true\"` or write a literal path")))
            }
        }
        return findings
    }
}
