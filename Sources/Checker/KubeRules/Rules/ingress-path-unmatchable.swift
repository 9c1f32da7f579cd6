import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

extension RuleInfo {
    /// A path no request can reach under its host's matching mode: on a host in literal mode (no
    /// use-regex), a path containing `?` or `#` is compared as text with the request path, which never
    /// holds either character.
    ///
    /// Reported by `IngressNginxPass` (Passes/IngressNginxPass.swift).
    static let ingressPathUnmatchable = RuleInfo(
        id: .ingressPathUnmatchable,
        summary:
            "No Ingress path contains `?` or `#` on a host in literal mode (no use-regex), where no request can match it",
        why:
            "Without nginx.ingress.kubernetes.io/use-regex on some Ingress for the host, ingress-nginx writes the path as a literal nginx location (`location \"/posts/?(.*)/\"` and `location = \"/posts/?(.*)\"`), compared with the request path, which never contains `?` (it starts the query string) or `#` (the fragment is not sent); only a request that percent-encodes them (%3F, %23) would match. So `/?(.*)` or `/posts/?(.*)/comments` answers 404 for every request, which is proven by the inputs: an error of its own, apart from ingress-literal-regex, whose regex-looking paths could still be reached literally (a warning). Only Ingresses ingress-nginx serves are read: class nginx, an IngressClass of controller k8s.io/ingress-nginx in the inputs, or no class (unless the inputs make another controller's class the default); ALB, GCE, traefik or istio Ingresses match paths their own way.",
        fix:
            "Add `nginx.ingress.kubernetes.io/use-regex: \"true\"` to the Ingress (with pathType ImplementationSpecific) so the path is a regex, or write the literal path you mean (`/posts`, `/`)."
    )
}

/// ingress-path-unmatchable's findings from the hosts ingress-nginx serves (`NginxHosts`, built once per check).
struct IngressPathUnmatchableRule {
    let info: RuleInfo = .ingressPathUnmatchable

    /// The first character of `path` no request path contains, if any.
    static func unmatchableCharacter(in path: String) -> Character? {
        // A Character equal to `?` or `#` is that one ASCII byte: without either byte (nearly every
        // path) there is no Character to look for.
        guard path.containsByte(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) else { return nil }
        return path.first { $0 == "?" || $0 == "#" }
    }

    func check(_ nginx: NginxHosts, graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for host in nginx.hosts where !host.regexMode {
            for location in host.locations {
                let path = location.path.effectivePath
                guard let character = Self.unmatchableCharacter(in: path) else { continue }
                let reason =
                    character == "?"
                    ? "a request path never contains `?` (it starts the query string)"
                    : "a request path never contains `#` (the fragment is not sent)"
                findings.append(
                    info.diagnostic(
                        "path \(path) can never match: no Ingress for host \(host.displayName) sets \(Ingress.useRegexAnnotation): \"true\", so ingress-nginx compares it as literal text with the request path, and \(reason); requests meant for it get 404",
                        at: location.span, object: location.object,
                        fix: SuggestedFix(
                            "add the annotation `\(Ingress.useRegexAnnotation): \"true\"` (and pathType ImplementationSpecific) to make it a regex, or write a literal path"
                        )))
            }
        }
        return findings
    }
}
