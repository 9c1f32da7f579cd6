import KubeDiagnostics
import KubeModel
import KubeSchema

/// What the API server makes of each object: is its apiVersion still served (api-removed) or
/// deprecated (api-deprecated), are apiVersion and kind served at all (api-kind), and do its
/// fields fit the schema (the schema walk, `SchemaPass` in KubeSchema). One pass, because the
/// walk leaves a removed or deprecated apiVersion to the two version rules rather than calling
/// it unknown, and those two are one lookup (`APIVersionTable.status`) per object.
struct APIPass: RulePass {
    let rules: [RuleInfo] = [
        .apiKind, .apiRemoved, .apiDeprecated, .unknownField, .requiredField, .fieldType, .fieldValue,
        .patternUnchecked,
    ]

    /// The ids the schema walk reports (`RuleID.schemaPass`).
    static let schemaWalkIDs = Set(RuleID.schemaPass.map(\.rawValue))

    var runsLong: Bool { true }

    func run(_ graph: ManifestGraph, context: RuleContext, enabled: Set<String>) -> PassResult {
        var result = PassResult()
        // The walk is most of a check's time: skipped when none of its rules is reported.
        if !enabled.isDisjoint(with: Self.schemaWalkIDs) {
            let walk = Self.schemaWalk(graph, context: context)
            result.findings = walk.findings
            result.notValidated = walk.notValidated
        }
        if enabled.contains(RuleID.apiRemoved.rawValue) || enabled.contains(RuleID.apiDeprecated.rawValue) {
            let target = context.kubeVersion
            for object in graph.objects {
                guard let (entry, removed) = APIVersionTable.status(of: object, at: target) else { continue }
                result.findings.append(
                    APIVersionTable.diagnostic(
                        object, entry, removed: removed, target: target,
                        info: removed ? .apiRemoved : .apiDeprecated))
            }
        }
        return result
    }

    static func schemaWalk(_ graph: ManifestGraph, context: RuleContext) -> SchemaPassResult {
        let version = context.kubeVersion
        guard version.major == 1 else {
            return SchemaPassResult(notValidated: graph.objects.count)
        }
        return SchemaPass.run(graph, minor: version.minor) { kind, apiVersion in
            APIVersionTable.entry(kind: kind, apiVersion: apiVersion) != nil
        }
    }
}
