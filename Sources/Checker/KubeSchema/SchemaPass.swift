import Dispatch
import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

public struct SchemaPassResult: Sendable {
    /// Findings of every schema rule (`RuleID.schemaPass`), in object order.
    public var findings: [Diagnostic]
    /// API objects no schema covers: custom resources whose CRD is not in the inputs.
    public var notValidated: Int

    public init(findings: [Diagnostic] = [], notValidated: Int = 0) {
        self.findings = findings
        self.notValidated = notValidated
    }
}

/// Validates every object of a graph against the API of release 1.`minor`
/// (built-in kinds) and the CRDs of the inputs (custom resources).
public enum SchemaPass {
    /// - Parameter isRetired: whether an apiVersion of a kind is removed or deprecated (reported by other rules,
    ///   so not also as unknown).
    public static func run(
        _ graph: ManifestGraph, minor: Int, isRetired: @Sendable (_ kind: String, _ apiVersion: String) -> Bool
    ) -> SchemaPassResult {
        let objects = graph.objects
        guard let builtin = BuiltinSchema.release(minor: minor) else {
            return SchemaPassResult(notValidated: objects.filter { !isToolConfig($0) }.count)
        }
        let custom = CustomResources(objects)
        let catalog = KindCatalog(builtin)
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, objects.count / 64))
        let outcomes = objects.parallelMap(workers: workers) { object -> Outcome in
            var outcome = Outcome()
            switch target(object, builtin: builtin, custom: custom, catalog: catalog, isRetired: isRetired) {
            case .validate(let schema, let root):
                var validator = ObjectValidator(schema: schema, object: object)
                validator.validateRoot(root)
                outcome.findings = validator.findings
            case .validateAlternatives(let schema, let roots):
                outcome.findings = findingsOfEvery(roots, schema: schema, object: object)
            case .finding(let diagnostic, let suggested):
                outcome.findings = [diagnostic]
                // The did-you-mean type is what the author meant: its other mistakes show in the same run.
                if let root = suggested {
                    var validator = ObjectValidator(schema: builtin, object: object)
                    validator.validateRoot(root)
                    outcome.findings += validator.findings
                }
            case .notValidated:
                outcome.notValidated = true
            case .skip:
                break
            }
            return outcome
        }
        var result = SchemaPassResult()
        for outcome in outcomes {
            result.findings.append(contentsOf: outcome.findings)
            if outcome.notValidated { result.notValidated += 1 }
        }
        return result
    }

    /// Findings every alternative schema reports (by rule and span), worded as the first's: an
    /// object one of them accepts is fine.
    private static func findingsOfEvery(_ roots: [TypeRef], schema: Schema, object: ManifestObject) -> [Diagnostic] {
        struct Place: Hashable {
            var ruleID: String
            var span: SourceSpan?
        }
        var preferred: [Diagnostic] = []
        var common = Set<Place>()
        for (position, root) in roots.enumerated() {
            var validator = ObjectValidator(schema: schema, object: object)
            validator.validateRoot(root)
            if validator.findings.isEmpty { return [] }
            let places = Set(validator.findings.map { Place(ruleID: $0.ruleID, span: $0.span) })
            if position == 0 {
                preferred = validator.findings
                common = places
            } else {
                common.formIntersection(places)
            }
        }
        return preferred.filter { common.contains(Place(ruleID: $0.ruleID, span: $0.span)) }
    }

    private struct Outcome: Sendable {
        var findings: [Diagnostic] = []
        var notValidated = false
    }

    private enum Target {
        case validate(Schema, TypeRef)
        /// Custom resources of a kind several CRDs define (`CustomResources.roots`).
        case validateAlternatives(Schema, [TypeRef])
        /// An unknown apiVersion or kind, and the built-in type its did-you-mean names, if one does.
        case finding(Diagnostic, suggested: TypeRef?)
        case notValidated
        case skip
    }

    static func isToolConfig(_ object: ManifestObject) -> Bool { object.apiVersion.hasPrefix("skaffold/") }

    private static func target(
        _ object: ManifestObject, builtin: Schema, custom: CustomResources, catalog: KindCatalog,
        isRetired: (String, String) -> Bool
    ) -> Target {
        let apiVersion = object.apiVersion
        let kind = object.kind
        if let root = builtin.root(apiVersion: apiVersion, kind: kind) { return .validate(builtin, root) }
        let roots = custom.roots(apiVersion: apiVersion, kind: kind, for: object.file)
        if let root = roots.first {
            return roots.count == 1 ? .validate(custom.schema, root) : .validateAlternatives(custom.schema, roots)
        }
        if isRetired(kind, apiVersion) { return .skip }
        // A tool's configuration file in `v1` (kube-scheduler's `Policy`, a kubeconfig's `Config`):
        // a kind no release ever served, without the metadata every API object has. Read by that
        // tool, never applied.
        if apiVersion == "v1", object.root["metadata"] == nil, catalog.apiVersions(of: kind) == nil { return .skip }
        let group = object.apiGroup
        if builtin.servesGroup(group) || KindCatalog.retiredGroups.contains(group) {
            let (finding, suggested) = unknownBuiltin(object, builtin: builtin, catalog: catalog)
            return .finding(finding, suggested: suggested)
        }
        if let definitions = custom.groups[group] {
            return .finding(unknownCustom(object, definitions), suggested: nil)
        }
        // A group name without a dot cannot be a CRD's: `app/v1` with a built-in kind is a typo.
        if !group.contains("."), catalog.apiVersions(of: kind) != nil, !isToolConfig(object) {
            let (finding, suggested) = unknownBuiltin(object, builtin: builtin, catalog: catalog)
            return .finding(finding, suggested: suggested)
        }
        return isToolConfig(object) ? .skip : .notValidated
    }

    /// The finding for an apiVersion/kind the release does not serve, and the type its did-you-mean names.
    private static func unknownBuiltin(_ object: ManifestObject, builtin: Schema, catalog: KindCatalog) -> (
        Diagnostic, TypeRef?
    ) {
        let release = "Kubernetes 1.\(builtin.minor)"
        let apiVersionNode = object.root["apiVersion"]
        let kindNode = object.root["kind"]
        if let served = catalog.apiVersions(of: object.kind) {
            // The kind exists, in another apiVersion.
            let best = NearName.apiName.nearest(object.apiVersion, in: served) ?? served[0]
            let span = apiVersionNode.map(object.span) ?? object.startSpan
            let finding = Diagnostic(
                ruleID: RuleID.apiKind, severity: .error, span: span,
                message:
                    "\(release) has no \(object.kind) in `\(object.apiVersion)`; \(object.kind) is served as \(served.map { "`\($0)`" }.joined(separator: ", ")); did you mean `\(best)`?",
                fix: SuggestedFix(
                    "change apiVersion to \(best)", replacing: span, with: best, applicability: .maybeIncorrect),
                object: object.reference)
            return (finding, builtin.root(apiVersion: best, kind: object.kind))
        }
        let kinds = builtin.kindNames(in: object.apiVersion)
        if !kinds.isEmpty {
            let span = kindNode.map(object.span) ?? object.startSpan
            var message = "`\(object.kind)` is not a kind of \(object.apiVersion) in \(release)"
            var fix = SuggestedFix("use one of \(kinds.prefix(8).joined(separator: ", "))")
            var suggested: TypeRef?
            if let suggestion = NearName.apiName.nearest(object.kind, in: catalog.allKinds) {
                message += "; did you mean `\(suggestion)`?"
                let apiVersions = catalog.apiVersions(of: suggestion) ?? []
                if apiVersions.contains(object.apiVersion) {
                    fix = SuggestedFix(
                        "change kind to \(suggestion)", replacing: span, with: suggestion,
                        applicability: .maybeIncorrect)
                    suggested = builtin.root(apiVersion: object.apiVersion, kind: suggestion)
                } else {
                    fix = SuggestedFix("use kind \(suggestion) with apiVersion \(apiVersions.first ?? "")")
                }
            }
            let finding = Diagnostic(
                ruleID: RuleID.apiKind, severity: .error, span: span, message: message, fix: fix,
                object: object.reference)
            return (finding, suggested)
        }
        let span = apiVersionNode.map(object.span) ?? object.startSpan
        var message = "\(release) serves no API `\(object.apiVersion)`"
        var fix = SuggestedFix("use an apiVersion the cluster serves (kubectl api-versions)")
        var suggested: TypeRef?
        if let suggestion = NearName.apiName.nearest(object.apiVersion, in: builtin.apiVersions) {
            message += "; did you mean `\(suggestion)`?"
            fix = SuggestedFix(
                "change apiVersion to \(suggestion)", replacing: span, with: suggestion, applicability: .maybeIncorrect)
            suggested = builtin.root(apiVersion: suggestion, kind: object.kind)
        }
        let finding = Diagnostic(
            ruleID: RuleID.apiKind, severity: .error, span: span, message: message, fix: fix,
            object: object.reference)
        return (finding, suggested)
    }

    private static func unknownCustom(_ object: ManifestObject, _ definitions: [CustomResources.Definition])
        -> Diagnostic
    {
        let group = object.apiGroup
        let version = object.apiVersion.split(separator: "/").last.map(String.init) ?? ""
        if let definition = definitions.first(where: { $0.kind == object.kind }) {
            let span = object.root["apiVersion"].map(object.span) ?? object.startSpan
            let note = DiagnosticNote(
                "CustomResourceDefinition \(definition.object.name) defines \(definition.kind) here",
                at: definition.object.nameSpan)
            let best = NearName.apiName.nearest(version, in: definition.versions) ?? definition.versions.first
            return Diagnostic(
                ruleID: RuleID.apiKind, severity: .error, span: span,
                message:
                    "\(object.kind) of \(group) has no version `\(version)` (its CustomResourceDefinition serves \(definition.versions.joined(separator: ", ")))",
                notes: [note],
                fix: best.map {
                    SuggestedFix(
                        "use \(group)/\($0)", replacing: span, with: group + "/" + $0, applicability: .maybeIncorrect)
                },
                object: object.reference)
        }
        let span = object.root["kind"].map(object.span) ?? object.startSpan
        let kinds = definitions.map(\.kind)
        let notes = definitions.map {
            DiagnosticNote("CustomResourceDefinition \($0.object.name) defines \($0.kind)", at: $0.object.nameSpan)
        }
        var message =
            "no CustomResourceDefinition of group \(group) in the inputs defines kind `\(object.kind)` (it defines \(kinds.joined(separator: ", ")))"
        var fix: SuggestedFix?
        if let suggestion = NearName.apiName.nearest(object.kind, in: kinds) {
            message += "; did you mean `\(suggestion)`?"
            fix = SuggestedFix(
                "change kind to \(suggestion)", replacing: span, with: suggestion, applicability: .maybeIncorrect)
        }
        return Diagnostic(
            ruleID: RuleID.apiKind, severity: .error, span: span, message: message, notes: notes, fix: fix,
            object: object.reference)
    }
}

/// Which apiVersions serve each kind of a release.
struct KindCatalog {
    private let byKind: [String: [String]]
    let allKinds: [String]

    /// Built-in groups that no supported release serves any more.
    static let retiredGroups: Set<String> = ["extensions"]

    init(_ schema: Schema) {
        var byKind: [String: [String]] = [:]
        for apiVersion in schema.apiVersions {
            for kind in schema.kindNames(in: apiVersion) { byKind[kind, default: []].append(apiVersion) }
        }
        // Stable versions first: `autoscaling/v2` before `autoscaling/v2beta2`.
        self.byKind = byKind.mapValues { list in
            list.sorted { a, b in
                let stableA = !a.contains("alpha") && !a.contains("beta")
                let stableB = !b.contains("alpha") && !b.contains("beta")
                return stableA != stableB ? stableA : a > b
            }
        }
        allKinds = byKind.keys.sorted()
    }

    func apiVersions(of kind: String) -> [String]? { byKind[kind] }
}
