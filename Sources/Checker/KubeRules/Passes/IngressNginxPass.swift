import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

/// The Ingress path rules over what ingress-nginx makes of the inputs, built once per check
/// (`NginxHosts`): each rule reads the same hosts.
struct IngressNginxPass: RulePass {
    let rules: [RuleInfo] = [.ingressPath, .ingressPathShadowed, .ingressPathUnmatchable, .ingressLiteralRegex]

    func run(_ graph: ManifestGraph, context: RuleContext, enabled: Set<String>) -> PassResult {
        let nginx = NginxHosts(graph)
        var findings: [Diagnostic] = []
        if enabled.contains(RuleID.ingressPath.rawValue) {
            findings += IngressPathRule().check(nginx, graph: graph, context: context)
        }
        if enabled.contains(RuleID.ingressPathShadowed.rawValue) {
            findings += IngressPathShadowedRule().check(nginx, graph: graph, context: context)
        }
        if enabled.contains(RuleID.ingressPathUnmatchable.rawValue) {
            findings += IngressPathUnmatchableRule().check(nginx, graph: graph, context: context)
        }
        if enabled.contains(RuleID.ingressLiteralRegex.rawValue) {
            findings += IngressLiteralRegexRule().check(nginx, graph: graph, context: context)
        }
        return PassResult(findings: findings)
    }
}

/// The paths of the Ingresses ingress-nginx serves (class nginx or an IngressClass of its
/// controller, and unclassed ones, analysed as if they were meant for nginx, unless the inputs
/// make another controller's class the default or their annotations are another controller's),
/// grouped by host as it builds its server blocks. Shared by the ingress path rules.
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
        let served = Self.nginxClasses(graph)
        let nginx = IngressList(
            graph.ingresses.filter { ingress in
                Self.declaredClass(ingress).map(served.names.contains)
                    ?? (served.classLess && !Self.isForAnotherController(ingress))
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

    static let nginxController = "k8s.io/ingress-nginx"

    /// The classes ingress-nginx serves: `nginx`, and the IngressClasses of the inputs whose
    /// controller is ingress-nginx. Class-less Ingresses count too (the course's, and ingress-nginx
    /// as the default class), unless the inputs mark another controller's class as the default.
    /// ALB, GCE, traefik or istio Ingresses follow other path rules and are left out.
    static func nginxClasses(_ graph: ManifestGraph) -> (names: Set<String>, classLess: Bool) {
        var names: Set<String> = ["nginx"]
        var otherDefault = false
        var nginxDefault = false
        for object in graph.objects where object.kind == "IngressClass" && object.apiGroup == "networking.k8s.io" {
            let isNginx = object.spec?["controller"]?.scalar == nginxController
            if isNginx { names.insert(object.name) }
            if object.annotation("ingressclass.kubernetes.io/is-default-class") == "true" {
                if isNginx { nginxDefault = true } else { otherDefault = true }
            }
        }
        return (names, nginxDefault || !otherDefault)
    }

    /// `spec.ingressClassName`, else the legacy class annotation.
    static func declaredClass(_ ingress: Ingress) -> String? {
        ingress.object.spec?["ingressClassName"]?.scalar ?? ingress.object.annotations[Ingress.classAnnotation]
    }
}

/// The Ingresses of one run, shared by every `IngressLocation` of it.
final class IngressList {
    let ingresses: [Ingress]
    /// `Ingress.isCanary` of each, read once per Ingress rather than once per path.
    let isCanary: [Bool]
    init(_ ingresses: [Ingress]) {
        self.ingresses = ingresses
        isCanary = ingresses.map(\.isCanary)
    }
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
    var isCanary: Bool { list.isCanary[ingressIndex] }
    var span: SourceSpan { path.pathNode.map(object.span) ?? object.span(path.node) }
    /// ingress-nginx renders a missing pathType and ImplementationSpecific as Prefix.
    var normalisedType: String { path.pathType == "Exact" ? "Exact" : "Prefix" }
}
