import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

/// The paths of the Ingresses ingress-nginx serves (class nginx, and unclassed
/// ones, analysed as if they were meant for nginx, unless their annotations
/// are another controller's), grouped by host as it builds its server blocks.
/// Shared by the ingress path rules.
struct NginxHosts {
    struct Host {
        /// `""` for rules without a host.
        let name: String
        let locations: [IngressLocation]
        /// Any Ingress for the host sets use-regex (or rewrite-target): every
        /// path of the host is then a case-insensitive regex.
        let regexMode: Bool

        var displayName: String { name.isEmpty ? "(any host)" : name }
    }

    let hosts: [Host]

    init(_ graph: ManifestGraph) {
        let nginx = IngressList(
            graph.ingresses.filter {
                Self.declaredClass($0) == "nginx" || (Self.declaredClass($0) == nil && !Self.isForAnotherController($0))
            })
        var order: [String] = []
        var byHost: [String: [IngressLocation]] = [:]
        for (ingressIndex, ingress) in nginx.ingresses.enumerated() {
            for (ruleIndex, rule) in ingress.rules.enumerated() {
                let host = rule.host ?? ""
                if byHost[host] == nil { order.append(host) }
                for pathIndex in rule.paths.indices {
                    byHost[host, default: []].append(
                        IngressLocation(
                            list: nginx, ingressIndex: ingressIndex, ruleIndex: ruleIndex, pathIndex: pathIndex))
                }
            }
        }
        // Annotations once per Ingress, not once per path.
        let usesRegex = nginx.ingresses.map(\.usesRegex)
        let rewriteTargets = nginx.ingresses.map(\.rewriteTarget)
        hosts = order.map { host in
            let locations = byHost[host] ?? []
            let regexMode = locations.contains { location in
                let path = location.path.effectivePath
                return usesRegex[location.ingressIndex]
                    || rewriteTargets[location.ingressIndex].map { $0 != path } ?? false
            }
            return Host(name: host, locations: locations, regexMode: regexMode)
        }
    }

    /// Annotations only other controllers read: an unclassed Ingress carrying one is meant for
    /// GKE's load balancer or the AWS Load Balancer Controller (their default classes), not nginx.
    private static let otherControllerAnnotations = [
        "kubernetes.io/ingress.allow-http", "kubernetes.io/ingress.global-static-ip-name",
        "kubernetes.io/ingress.regional-static-ip-name", "ingress.gcp.kubernetes.io/", "networking.gke.io/",
        "alb.ingress.kubernetes.io/",
    ]

    static func isForAnotherController(_ ingress: Ingress) -> Bool {
        ingress.object.annotations.keys.contains { key in
            otherControllerAnnotations.contains { key == $0 || ($0.hasSuffix("/") && key.hasPrefix($0)) }
        }
    }

    /// `spec.ingressClassName`, else the legacy class annotation.
    static func declaredClass(_ ingress: Ingress) -> String? {
        ingress.object.spec?["ingressClassName"]?.scalar ?? ingress.object.annotations[Ingress.classAnnotation]
    }
}

/// The Ingresses of one run, shared by every `IngressLocation` of it.
final class IngressList {
    let ingresses: [Ingress]
    init(_ ingresses: [Ingress]) { self.ingresses = ingresses }
}

/// One path of one Ingress rule, by position: a large Ingress has
/// thousands, and copies of `Ingress` and `IngressPath` values are big.
struct IngressLocation {
    let list: IngressList
    let ingressIndex: Int
    let ruleIndex: Int
    let pathIndex: Int
    var ingress: Ingress { list.ingresses[ingressIndex] }
    var path: IngressPath { ingress.rules[ruleIndex].paths[pathIndex] }
    var object: ManifestObject { ingress.object }
    var span: SourceSpan { path.pathNode.map(object.span) ?? object.span(path.node) }
    /// ingress-nginx renders a missing pathType and ImplementationSpecific as Prefix.
    var normalisedType: String { path.pathType == "Exact" ? "Exact" : "Prefix" }
}
