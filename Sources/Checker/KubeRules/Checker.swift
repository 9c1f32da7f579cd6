import Foundation
import KubeDiagnostics
import KubeModel
import KubeSchema

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

    public func check(_ graph: ManifestGraph) -> [Diagnostic] { run(graph).diagnostics }

    /// Findings, and how many objects no API schema covered.
    public func run(_ graph: ManifestGraph) -> CheckOutcome {
        // Rules are independent: run them at once, then join their findings
        // in rule order, as a sequential run would. The schema walk is one
        // more task; its rules take their share of its findings.
        let slots = FindingSlots(count: rules.count + 1)
        let rules = rules
        let context = context
        let schemaRules = rules.filter { $0 is any SchemaRule }
        let pass = PassSlot()
        DispatchQueue.concurrentPerform(iterations: rules.count + 1) { index in
            if index == rules.count {
                if !schemaRules.isEmpty { pass.result = SchemaRules.pass(graph, context: context) }
                return
            }
            guard !(rules[index] is any SchemaRule) else { return }
            let found = rules[index].check(graph, context: context)
            slots.slots.withUnsafeMutableBufferPointer { $0[index] = found }
        }
        var bySchemaRule: [String: [Diagnostic]] = [:]
        for finding in pass.result?.findings ?? [] { bySchemaRule[finding.ruleID, default: []].append(finding) }
        for (index, rule) in rules.enumerated() where rule is any SchemaRule {
            slots.slots[index] = bySchemaRule[rule.info.id] ?? []
        }
        let findings = slots.slots.flatMap { $0 }
        let notValidated = pass.result?.notValidated ?? 0
        let silenced = Self.silencedRules(graph)
        guard !silenced.isEmpty else { return CheckOutcome(diagnostics: findings, notValidated: notValidated) }
        return CheckOutcome(
            diagnostics: findings.filter { finding in
                guard let object = finding.object, let rules = silenced[object] else { return true }
                return !(rules.contains(finding.ruleID) || rules.contains("all"))
            }, notValidated: notValidated)
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

public struct CheckOutcome: Sendable {
    public var diagnostics: [Diagnostic]
    /// Objects no API schema covers (custom resources whose CRD is not in the inputs).
    public var notValidated: Int
}

private final class PassSlot: @unchecked Sendable {
    // Written by one iteration of concurrentPerform, read after it returns.
    var result: SchemaPassResult?
}

private final class FindingSlots: @unchecked Sendable {
    // Each index is written by exactly one iteration of concurrentPerform.
    var slots: [[Diagnostic]]
    init(count: Int) { slots = Array(repeating: [], count: count) }
}
