import Foundation
import KubeDiagnostics
import KubeModel

/// Runs rules over a graph and applies the ways a user can silence them.
public struct Checker: Sendable {
    /// Per-object opt-out: `kubewire.dev/disable: "rule-a,rule-b"` (or `all`).
    public static let disableAnnotation = "kubewire.dev/disable"

    public var rules: [any Rule]
    public var context: RuleContext

    public init(rules: [any Rule] = RuleRegistry.all, disabled: Set<String> = [], context: RuleContext = RuleContext())
    {
        self.rules = rules.filter { !disabled.contains($0.info.id) }
        self.context = context
    }

    public func check(_ graph: ManifestGraph) -> [Diagnostic] {
        // Rules are independent: run them at once, then join their findings
        // in rule order, as a sequential run would.
        let context = context
        let findings = rules.parallelMap(workers: rules.count) { $0.check(graph, context: context) }.flatMap { $0 }
        let silenced = Self.silencedRules(graph)
        guard !silenced.isEmpty else { return findings }
        return findings.filter { finding in
            guard let object = finding.object, let rules = silenced[object] else { return true }
            return !(rules.contains(finding.ruleID) || rules.contains("all"))
        }
    }

    private static func silencedRules(_ graph: ManifestGraph) -> [ObjectReference: Set<String>] {
        var result: [ObjectReference: Set<String>] = [:]
        for object in graph.objects {
            guard let value = object.annotation(disableAnnotation) else { continue }
            let ids = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            result[object.reference, default: []].formUnion(ids)
        }
        return result
    }
}
