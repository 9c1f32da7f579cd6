import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

/// Ingress paths as the API server validates them and ingress-nginx renders
/// them: pathType, strict path syntax, regex mode per host, duplicates,
/// location order, and the Ingress class.
struct IngressPathRule: Rule {
    let info = RuleInfo(
        id: "ingress-path",
        summary:
            "Ingress paths are valid and reachable under ingress-nginx, and every Ingress names its class",
        why:
            "networking.k8s.io/v1 rejects a path without pathType; ingress-nginx ≥ 1.12 rejects regex paths with Exact or Prefix; once any Ingress for a host enables use-regex (or rewrite-target) every path of that host is a case-insensitive regex tried longest first, so an invalid regex breaks the config and a long general regex silently takes requests meant for a shorter path; a duplicate host+path is dropped; an Ingress without a class is ignored by a stock ingress-nginx (everything 404).",
        fix:
            "Give each path a pathType (ImplementationSpecific for regex paths), keep regexes valid and specific enough (end them with a literal segment or `$`), remove duplicate paths, and set `spec.ingressClassName: nginx`."
    )

    private static let pathTypes = ["Exact", "Prefix", "ImplementationSpecific"]
    /// ingress-nginx strict-validate-path-type for Exact and Prefix: `(?i)^/[[:alnum:]._\-/]*$`.
    private static func isStrictPath(_ path: String) -> Bool {
        guard path.hasPrefix("/") else { return false }
        return path.unicodeScalars.allSatisfy { c in
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "."
                || c == "_"
                || c == "-" || c == "/"
        }
    }

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for ingress in graph.ingresses {
            findings += classFindings(ingress)
            findings += apiServerFindings(ingress)
        }
        // ingress-nginx semantics: Ingresses of class nginx (and unclassed
        // ones, reported above, analysed as if they were meant for nginx).
        let nginx = IngressList(graph.ingresses.filter { declaredClass($0) == nil || declaredClass($0) == "nginx" })
        var hosts: [String] = []
        var byHost: [String: [Location]] = [:]
        var seenHosts = Set<String>()
        for (ingressIndex, ingress) in nginx.ingresses.enumerated() {
            for (ruleIndex, rule) in ingress.rules.enumerated() {
                let host = rule.host ?? ""
                if seenHosts.insert(host).inserted { hosts.append(host) }
                for pathIndex in rule.paths.indices {
                    byHost[host, default: []].append(
                        Location(list: nginx, ingressIndex: ingressIndex, ruleIndex: ruleIndex, pathIndex: pathIndex))
                }
            }
        }
        for host in hosts {
            let locations = byHost[host] ?? []
            let regexMode = locations.contains {
                $0.ingress.usesRegex || $0.ingress.rewrites($0.path.effectivePath)
            }
            findings += strictPathFindings(locations, host: host, regexMode: regexMode)
            findings += duplicateFindings(locations, host: host)
            if regexMode {
                let (compileFindings, compiled) = regexFindings(locations, host: host)
                findings += compileFindings
                findings += orderFindings(locations, host: host, compiled: compiled)
            }
        }
        return findings
    }

    /// The Ingresses of one run, shared by every `Location` of it.
    private final class IngressList {
        let ingresses: [Ingress]
        init(_ ingresses: [Ingress]) { self.ingresses = ingresses }
    }

    /// One path of one Ingress rule, by position: a large Ingress has
    /// thousands, and copies of `Ingress` and `IngressPath` values are big.
    private struct Location {
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

    private func hostName(_ host: String) -> String { host.isEmpty ? "(any host)" : host }

    // MARK: - class

    private func declaredClass(_ ingress: Ingress) -> String? {
        ingress.object.spec?["ingressClassName"]?.scalar
            ?? ingress.object.annotations[Ingress.classAnnotation]
    }

    private func classFindings(_ ingress: Ingress) -> [Diagnostic] {
        let object = ingress.object
        let fieldNode = object.spec?["ingressClassName"]
        let annotationNode = object.metadata?["annotations"]?[Ingress.classAnnotation]
        switch (fieldNode?.scalar, annotationNode?.scalar) {
        case (nil, nil):
            let anchor = object.root.keyNode("spec").map(object.span) ?? object.nameSpan
            return [
                info.diagnostic(
                    "Ingress \(object.name) has neither spec.ingressClassName nor the \(Ingress.classAnnotation) annotation; a stock ingress-nginx ignores it and every request gets 404",
                    at: anchor, object: object,
                    fix: SuggestedFix("add `ingressClassName: nginx` under spec"), severity: .warning)
            ]
        case (let field?, let annotation?) where field != annotation:
            guard let annotationNode, let fieldNode else { return [] }
            return [
                info.diagnostic(
                    "annotation \(Ingress.classAnnotation): \(annotation) differs from spec.ingressClassName: \(field); the API server rejects an Ingress whose two class settings disagree",
                    at: object.span(annotationNode), object: object,
                    notes: [DiagnosticNote("spec.ingressClassName is set here", at: object.span(fieldNode))],
                    fix: SuggestedFix(
                        "remove the \(Ingress.classAnnotation) annotation (spec.ingressClassName replaces it)"))
            ]
        default:
            return []
        }
    }

    // MARK: - API server validation

    private func apiServerFindings(_ ingress: Ingress) -> [Diagnostic] {
        let object = ingress.object
        var findings: [Diagnostic] = []
        for rule in ingress.rules {
            for path in rule.paths {
                let pathSpan = path.pathNode.map(object.span) ?? object.span(path.node)
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
                        .map { SuggestedFix("did you mean `\($0)`?", replacing: typeSpan, with: $0) }
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
                for bad in ["//", "/./", "/../", "%2f", "%2F"] where text.contains(bad) {
                    findings.append(
                        info.diagnostic(
                            "path \(text) must not contain '\(bad)' for pathType \(pathType)", at: pathSpan,
                            object: object, fix: SuggestedFix("remove '\(bad)' from the path")))
                    break
                }
                if text.hasSuffix("/..") || text.hasSuffix("/.") {
                    findings.append(
                        info.diagnostic(
                            "path \(text) must not end with '/..' or '/.' for pathType \(pathType)", at: pathSpan,
                            object: object, fix: SuggestedFix("remove the trailing dot segment")))
                }
            }
        }
        return findings
    }

    // MARK: - ingress-nginx

    /// strict-validate-path-type (on by default since controller v1.12), and
    /// regex-looking paths on a host that is not in regex mode.
    private func strictPathFindings(_ locations: [Location], host: String, regexMode: Bool)
        -> [Diagnostic]
    {
        var findings: [Diagnostic] = []
        for location in locations {
            let path = location.path
            let object = location.object
            if let type = path.pathType, type == "Exact" || type == "Prefix", path.path.hasPrefix("/"),
                !Self.isStrictPath(path.path), let typeNode = path.pathTypeNode
            {
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
            if !regexMode, LocationRegex.looksLikeRegex(path.path) {
                findings.append(
                    info.diagnostic(
                        "path \(path.path) looks like a regular expression, but no Ingress for host \(hostName(host)) sets \(Ingress.useRegexAnnotation): \"true\", so ingress-nginx matches it as a literal prefix",
                        at: location.span, object: object,
                        fix: SuggestedFix(
                            "add the annotation `\(Ingress.useRegexAnnotation): \"true\"` or write a literal path"
                        ),
                        severity: .warning))
            }
        }
        return findings
    }

    private func duplicateFindings(_ locations: [Location], host: String) -> [Diagnostic] {
        struct Key: Hashable {
            var path: String
            var type: String
        }
        var first: [Key: Location] = [:]
        first.reserveCapacity(locations.count)
        var findings: [Diagnostic] = []
        for location in locations {
            let key = Key(path: location.path.effectivePath, type: location.normalisedType)
            guard let earlier = first[key] else {
                first[key] = location
                continue
            }
            findings.append(
                info.diagnostic(
                    "host \(hostName(host)) and path \(key.path) (\(key.type)) are already defined in Ingress \(earlier.object.namespace)/\(earlier.object.name); ingress-nginx keeps the first and drops this one (its admission webhook rejects it)",
                    at: location.span, object: location.object,
                    notes: [DiagnosticNote("first defined here", at: earlier.span)],
                    fix: SuggestedFix(
                        "remove one of the two paths or give them different backends on different paths")))
        }
        return findings
    }

    private func regexFindings(_ locations: [Location], host: String) -> (
        [Diagnostic], [String: NSRegularExpression]
    ) {
        var findings: [Diagnostic] = []
        var compiled: [String: NSRegularExpression] = [:]
        for location in locations {
            let path = location.path.effectivePath
            if compiled[path] != nil { continue }
            switch LocationRegex.compile(path) {
            case .success(let regex): compiled[path] = regex
            case .failure(let problem):
                findings.append(
                    info.diagnostic(
                        "path \(path) is not a valid regular expression (\(problem.reason)); host \(hostName(host)) is in regex mode (use-regex or rewrite-target), so ingress-nginx writes `location ~* \"^\(path)\"` and nginx refuses the configuration",
                        at: location.span, object: location.object,
                        fix: SuggestedFix("fix the regex, or escape the special characters with `\\`")))
            }
        }
        return (findings, compiled)
    }

    /// ingress-nginx writes a host's regex locations longest first, equal
    /// lengths in descending byte order; nginx takes the first that matches.
    private func orderFindings(
        _ locations: [Location], host: String, compiled: [String: NSRegularExpression]
    ) -> [Diagnostic] {
        var unique: [Location] = []
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
                let example = samples[0]
                findings.append(
                    info.diagnostic(
                        "path \(path) on host \(hostName(host)) is never reached: ingress-nginx tries `^\(earlierPath)` first (longer paths first, regex mode) and it also matches requests for \(path) (e.g. \(example))",
                        at: location.span, object: location.object,
                        notes: [
                            DiagnosticNote(
                                "`^\(earlierPath)` is tried before \(path) and swallows it", at: earlier.span)
                        ],
                        fix: SuggestedFix(
                            "make \(earlierPath) more specific (end it with a literal segment or `$`), or use Exact/Prefix paths without use-regex"
                        ),
                        severity: .warning))
                break
            }
        }
        return findings
    }
}
