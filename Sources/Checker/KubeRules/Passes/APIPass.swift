import KubeDiagnostics
import KubeModel
import KubeSchema

/// A rule whose findings come from the one schema walk (`SchemaPass`): the
/// checker runs the walk once and hands each such rule its share.
protocol SchemaRule: Rule {}

extension SchemaRule {
    /// Standalone use (one rule, outside `Checker`): run the walk and keep this rule's findings.
    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        SchemaRules.pass(graph, context: context).findings.filter { $0.ruleID == info.id }
    }
}

enum SchemaRules {
    static func pass(_ graph: ManifestGraph, context: RuleContext) -> SchemaPassResult {
        let version = context.kubeVersion
        guard version.major == 1 else {
            return SchemaPassResult(notValidated: graph.objects.count)
        }
        return SchemaPass.run(graph, minor: version.minor) { kind, apiVersion in
            APIVersionTable.entry(kind: kind, apiVersion: apiVersion) != nil
        }
    }
}
