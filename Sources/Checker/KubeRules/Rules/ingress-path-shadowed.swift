import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

extension RuleInfo {
    /// In a host's regex mode, a path that an earlier location always takes.
    ///
    /// Reported by `IngressNginxPass` (Passes/IngressNginxPass.swift).
    static let ingressPathShadowed = RuleInfo(
        id: .ingressPathShadowed,
        summary: "No Ingress path is swallowed by a location ingress-nginx tries before it (regex mode)",
        why:
            "Once any Ingress for a host enables use-regex (or rewrite-target), every path of that host is a case-insensitive regex anchored only at the start, tried longest first; a long general regex silently takes the requests meant for a shorter path. Only Ingresses ingress-nginx serves are read: class nginx, an IngressClass of controller k8s.io/ingress-nginx in the inputs, or no class (unless the inputs make another controller's class the default); ALB, GCE, traefik or istio Ingresses match paths their own way.",
        fix:
            "Make the earlier regex more specific (end it with a literal segment or `$`), or use Exact/Prefix paths without use-regex.",
        defaultSeverity: .warning
    )
}

/// ingress-path-shadowed's findings from the hosts ingress-nginx serves (`NginxHosts`, built once per check).
struct IngressPathShadowedRule {
    let info: RuleInfo = .ingressPathShadowed

    func check(_ nginx: NginxHosts, graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for host in nginx.hosts where host.regexMode {
            var compiled: [String: NSRegularExpression] = [:]
            for location in host.locations {
                let path = location.path.effectivePath
                // An invalid regex is an `ingress-path` error; it shadows nothing.
                if compiled[path] == nil, case .success(let regex) = LocationRegex.compile(path) {
                    compiled[path] = regex
                }
            }
            findings += orderFindings(host.locations, host: host.displayName, compiled: compiled)
        }
        return findings
    }

    /// ingress-nginx writes a host's regex locations longest first, equal
    /// lengths in descending byte order; nginx takes the first that matches.
    private func orderFindings(
        _ locations: [IngressLocation], host: String, compiled: [String: NSRegularExpression]
    ) -> [Diagnostic] {
        var unique: [IngressLocation] = []
        var seen = Set<String>()
        for location in locations where seen.insert(location.path.effectivePath).inserted {
            unique.append(location)
        }
        let ordered = unique.sorted { a, b in
            let x = Array(a.path.effectivePath.utf8)
            let y = Array(b.path.effectivePath.utf8)
            if x.count != y.count { return x.count > y.count }
            return y.lexicographicallyPrecedes(x)
        }
        var findings: [Diagnostic] = []
        for (index, location) in ordered.enumerated() {
            let path = location.path.effectivePath
            guard compiled[path] != nil else { continue }
            let samples = LocationRegex.samples(for: path)
            guard !samples.isEmpty else { continue }
            for earlier in ordered[..<index] {
                let earlierPath = earlier.path.effectivePath
                guard let regex = compiled[earlierPath] else { continue }
                guard samples.allSatisfy({ LocationRegex.matches(regex, $0) }) else { continue }
                let example = samples[0] == path ? "" : " (e.g. \(samples[0]))"
                findings.append(
                    info.diagnostic(
                        "path \(UserText.shown(path)) on host \(host) is never reached: ingress-nginx tries `^\(UserText.shown(earlierPath))` first (longer paths first, regex mode) and it also matches requests for \(UserText.shown(path))\(example)",
                        at: location.span, object: location.object,
                        notes: [
                            DiagnosticNote(
                                "`^\(UserText.shown(earlierPath))` is tried before \(UserText.shown(path)) and swallows it",
                                at: earlier.span)
                        ],
                        fix: SuggestedFix(
                            "make \(earlierPath) more specific (end it with a literal segment or `$`), or use Exact/Prefix paths without use-regex"
                        )))
                break
            }
        }
        return findings
    }
}
