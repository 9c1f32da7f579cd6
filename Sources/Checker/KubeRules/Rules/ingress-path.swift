import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

extension RuleInfo {
    /// Ingress paths as the API server validates them and ingress-nginx renders
    /// them: pathType, strict path syntax, duplicates, and regexes that compile
    /// in a host's regex mode. Unreachable paths (`ingress-path-shadowed`),
    /// regex-looking literal paths (`ingress-literal-regex`) and the class
    /// (`ingress-class`, `ingress-class-conflict`) are rules of their own.
    ///
    /// Reported by `IngressNginxPass` (Passes/IngressNginxPass.swift).
    static let ingressPath = RuleInfo(
        id: .ingressPath,
        summary:
            "Ingress paths are valid for the API server and ingress-nginx, unique per host, and compile as regexes",
        why:
            "networking.k8s.io/v1 rejects a path without pathType; ingress-nginx ≥ 1.12 rejects regex paths with Exact or Prefix; once any Ingress for a host enables use-regex (or rewrite-target) every path of that host is a regex, so an invalid one makes nginx refuse the whole configuration; a duplicate host+path is dropped. The ingress-nginx parts apply to Ingresses of class nginx (or an IngressClass of controller k8s.io/ingress-nginx in the inputs) and to class-less ones, not to ALB, GCE, traefik or istio Ingresses; the API server's own checks apply to all. A canary Ingress (nginx.ingress.kubernetes.io/canary) shares its main Ingress's host and path by design, and two Ingresses in files that are not applied together (see duplicate-object) are alternatives, not duplicates.",
        fix:
            "Give each path a pathType (ImplementationSpecific for regex paths), keep regexes valid, and remove duplicate paths."
    )
}

/// ingress-path's findings from the hosts ingress-nginx serves (`NginxHosts`, built once per check).
struct IngressPathRule {
    let info: RuleInfo = .ingressPath

    private static let pathTypes = ["Exact", "Prefix", "ImplementationSpecific"]
    /// ingress-nginx strict-validate-path-type for Exact and Prefix: `(?i)^/[[:alnum:]._\-/]*$`.
    /// Bytes, not scalars: every allowed character is ASCII, and a scalar beyond ASCII is bytes
    /// of 0x80 and above, none allowed either.
    private static func isStrictPath(_ path: String) -> Bool {
        guard path.utf8.first == UInt8(ascii: "/") else { return false }
        return path.allBytesSatisfy { c in
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: ".")
                || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: "/")
        }
    }

    func check(_ nginx: NginxHosts, graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for ingress in graph.ingresses {
            findings += apiServerFindings(ingress)
        }
        let together = AppliedTogether(graph, context: context)
        for host in nginx.hosts {
            findings += strictPathFindings(host.locations)
            findings += duplicateFindings(host, together: together)
            if host.regexMode { findings += regexFindings(host) }
        }
        return findings
    }

    // MARK: - API server validation

    private func apiServerFindings(_ ingress: Ingress) -> [Diagnostic] {
        let object = ingress.object
        var findings: [Diagnostic] = []
        for rule in ingress.rules {
            for path in rule.paths {
                // Only for a finding: most paths are fine.
                var pathSpan: SourceSpan { path.pathNode.map(object.span) ?? object.span(path.node) }
                guard let typeNode = path.pathTypeNode, !typeNode.isNull else {
                    if !ingress.isLegacy {
                        findings.append(
                            info.diagnostic(
                                "pathType must be specified: networking.k8s.io/v1 requires one of Exact, Prefix, ImplementationSpecific for path \(path.effectivePath)",
                                at: object.span(path.node), object: object,
                                fix: SuggestedFix(
                                    LocationRegex.looksLikeRegex(path.path)
                                        ? "add `pathType: ImplementationSpecific` (this path is a regex)"
                                        : "add `pathType: Prefix` (or Exact)")))
                    }
                    continue
                }
                let pathType = typeNode.scalar ?? ""
                guard Self.pathTypes.contains(pathType) else {
                    let typeSpan = object.span(typeNode)
                    let fix = Self.pathTypes.first { $0.lowercased() == pathType.lowercased() }
                        .map {
                            SuggestedFix(
                                "did you mean `\($0)`?", replacing: typeSpan, with: $0, applicability: .maybeIncorrect)
                        }
                    findings.append(
                        info.diagnostic(
                            "pathType \(typeNode.scalar ?? typeNode.typeDescription) is not supported; expected Exact, Prefix or ImplementationSpecific",
                            at: typeSpan, object: object,
                            fix: fix ?? SuggestedFix("use Exact, Prefix or ImplementationSpecific")))
                    continue
                }
                let text = path.path
                if pathType == "ImplementationSpecific" {
                    if !text.isEmpty && !text.hasPrefix("/") {
                        findings.append(
                            info.diagnostic(
                                "path \(text) must be an absolute path (start with /)", at: pathSpan,
                                object: object,
                                fix: SuggestedFix("start the path with /", replacing: pathSpan, with: "/" + text)))
                    }
                    continue
                }
                if !text.hasPrefix("/") {
                    findings.append(
                        info.diagnostic(
                            "path \(text.isEmpty ? "(empty)" : text) must be an absolute path (start with /) for pathType \(pathType)",
                            at: pathSpan, object: object,
                            fix: SuggestedFix("start the path with /", replacing: pathSpan, with: "/" + text)))
                    continue
                }
                if let bad = Self.forbiddenSegment(in: text) {
                    findings.append(
                        info.diagnostic(
                            "path \(text) must not contain '\(bad)' for pathType \(pathType)", at: pathSpan,
                            object: object, fix: SuggestedFix("remove '\(bad)' from the path")))
                }
                if Self.hasTrailingDotSegment(text) {
                    findings.append(
                        info.diagnostic(
                            "path \(text) must not end with '/..' or '/.' for pathType \(pathType)", at: pathSpan,
                            object: object, fix: SuggestedFix("remove the trailing dot segment")))
                }
            }
        }
        return findings
    }

    /// What the API server forbids inside an Exact or Prefix path (ValidateIngressSpec's path checks).
    private static func forbiddenSegment(in path: String) -> String? {
        // Each starts with `//`, `/.` or `%`: a path with none of those (nearly all) has none.
        var previous: UInt8 = 0
        let mayHaveOne = path.containsByte { byte in
            defer { previous = byte }
            return byte == UInt8(ascii: "%")
                || (previous == UInt8(ascii: "/") && (byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".")))
        }
        guard mayHaveOne else { return nil }
        return ["//", "/./", "/../", "%2f", "%2F"].first { path.containsLiteral($0) }
    }

    private static func hasTrailingDotSegment(_ path: String) -> Bool {
        path.hasSuffix("/..") || path.hasSuffix("/.")
    }

    // MARK: - ingress-nginx

    /// Whether ingress-nginx ≥ 1.12 (strict-validate-path-type) rejects the Ingress for this path: an
    /// Exact or Prefix path with regex characters. A path the API server already refuses (an encoded
    /// slash) is that one error, not two.
    static func strictPathTypeRejects(_ path: IngressPath) -> Bool {
        guard let type = path.pathType, type == "Exact" || type == "Prefix", path.path.hasPrefix("/") else {
            return false
        }
        return !isStrictPath(path.path) && forbiddenSegment(in: path.path) == nil && !hasTrailingDotSegment(path.path)
    }

    /// strict-validate-path-type (on by default since controller v1.12).
    private func strictPathFindings(_ locations: [IngressLocation]) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for location in locations {
            let path = location.path
            if let type = path.pathType, Self.strictPathTypeRejects(path), let typeNode = path.pathTypeNode {
                let object = location.object
                let typeSpan = object.span(typeNode)
                findings.append(
                    info.diagnostic(
                        "path \(path.path) cannot be used with pathType \(type): ingress-nginx ≥ 1.12 (strict-validate-path-type) accepts only `^/[A-Za-z0-9._\\-/]*$` for Exact and Prefix, and rejects this Ingress",
                        at: typeSpan, object: object,
                        notes: [DiagnosticNote("the path with regex characters", at: location.span)],
                        fix: SuggestedFix(
                            "regex paths need `pathType: ImplementationSpecific`", replacing: typeSpan,
                            with: "ImplementationSpecific")))
            }
        }
        return findings
    }

    /// A canary Ingress (`nginx.ingress.kubernetes.io/canary: "true"`) repeats its main Ingress's
    /// host and paths by design, and two Ingresses in files not applied together are variants.
    private func duplicateFindings(_ host: NginxHosts.Host, together: AppliedTogether) -> [Diagnostic] {
        struct Key: Hashable {
            var path: String
            var type: String
        }
        // Nearly every key is one path's: its first location is a position, and only keys met
        // again keep a list of the later ones.
        var firstByKey: [Key: Int] = [:]
        firstByKey.reserveCapacity(host.locations.count)
        var laterByKey: [Key: [Int]] = [:]
        /// The position recorded under a key before, recording `position` if none was (one lookup).
        func recordingFirst(_ position: Int, in slot: inout Int?) -> Int? {
            defer { if slot == nil { slot = position } }
            return slot
        }
        var findings: [Diagnostic] = []
        for (position, location) in host.locations.enumerated() where !location.isCanary {
            let key = Key(path: location.path.effectivePath, type: location.normalisedType)
            guard let first = recordingFirst(position, in: &firstByKey[key]) else { continue }
            let earlierOnes = [first] + (laterByKey[key] ?? [])
            laterByKey[key, default: []].append(position)
            guard
                let earlier = earlierOnes.lazy.map({ host.locations[$0] }).first(where: {
                    together.provable($0.object.file, location.object.file)
                })
            else { continue }
            findings.append(
                info.diagnostic(
                    "host \(host.displayName) and path \(key.path) (\(key.type)) are already defined in Ingress \(earlier.object.namespace)/\(earlier.object.name); ingress-nginx keeps the first and drops this one (its admission webhook rejects it)",
                    at: location.span, object: location.object,
                    notes: [DiagnosticNote("first defined here", at: earlier.span)],
                    fix: SuggestedFix(
                        "remove one of the two definitions of this path")))
        }
        return findings
    }

    private func regexFindings(_ host: NginxHosts.Host) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        var seen = Set<String>()
        for location in host.locations {
            let path = location.path.effectivePath
            guard seen.insert(path).inserted else { continue }
            switch LocationRegex.compile(path) {
            case .success: continue
            case .failure(let problem):
                findings.append(
                    info.diagnostic(
                        "path \(UserText.shown(path)) is not a valid regular expression (\(problem.reason)); host \(host.displayName) is in regex mode (use-regex or rewrite-target), so ingress-nginx writes `location ~* \"^\(UserText.shown(path))\"` and nginx refuses the configuration",
                        at: location.span, object: location.object,
                        fix: SuggestedFix("fix the regex, or escape the special characters with `\\`")))
            }
        }
        return findings
    }
}
