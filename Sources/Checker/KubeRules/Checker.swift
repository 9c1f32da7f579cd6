import Foundation
import KubeDiagnostics
import KubeModel
import KubeSchema

/// Runs rules over a graph and applies the user's `Policy` to what they find.
public struct Checker: Sendable {
    /// Per-object opt-out: `kubewire.dev/disable: "rule-a,rule-b"` (or `all`).
    public static let disableAnnotation = Policy.disableAnnotation
    /// The id that turns every rule off: in the annotation, `--disable` and .kubewire.yaml alike.
    public static let disableAll = Policy.disableAll

    /// The rules that run: those of `rules` the policy selects.
    public var rules: [any Rule]
    public var context: RuleContext
    public let policy: Policy

    /// A checker of `rules` under `policy`: its selection here, its suppressions, severities and
    /// focus on each run's findings (`Policy.apply`). The rules see the policy's release and NodePort
    /// range, and what only the caller knows: the files found by walking, the file system.
    public init(
        rules: [any Rule] = RuleRegistry.all, policy: Policy = Policy(), walkedFiles: Set<String> = [],
        fileExists: @escaping @Sendable (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) {
        self.rules = rules.filter { policy.selects($0.info) }
        self.policy = policy
        self.context = RuleContext(
            kubeVersion: policy.kubeVersion, nodePortRange: policy.nodePortRange, walkedFiles: walkedFiles,
            fileExists: fileExists)
    }

    public func check(_ graph: ManifestGraph) -> [Diagnostic] { run(graph).diagnostics }

    /// Findings, and how many objects no API schema covered.
    public func run(_ graph: ManifestGraph) -> CheckOutcome {
        // Rules are independent: run them at once, then join their findings
        // in rule order, as a sequential run would. The schema walk is one
        // more task; its rules take their share of its findings.
        let context = context
        let rules = rules
        let runsSchemaPass = rules.contains { $0 is any SchemaRule }
        // Built here, before the rules share the pool, so no rule's thread waits on its builder.
        graph.prepareServiceURLIndex()
        // Task 0 is the schema pass, the longest, so it starts first; task `i + 1` is rule `i`
        // (a schema rule's own task does nothing).
        let results = Array(0...rules.count).parallelMap(workers: rules.count + 1) { task -> TaskResult in
            if task == 0 {
                return runsSchemaPass ? .schemaPass(SchemaRules.pass(graph, context: context)) : .findings([])
            }
            let rule = rules[task - 1]
            guard !(rule is any SchemaRule) else { return .findings([]) }
            return .findings(rule.check(graph, context: context))
        }
        var pass: SchemaPassResult?
        if case .schemaPass(let result)? = results.first { pass = result }
        var bySchemaRule: [String: [Diagnostic]] = [:]
        for finding in pass?.findings ?? [] { bySchemaRule[finding.ruleID, default: []].append(finding) }
        var findings = rules.indices.flatMap { index -> [Diagnostic] in
            if rules[index] is any SchemaRule { return bySchemaRule[rules[index].info.id] ?? [] }
            if case .findings(let found) = results[index + 1] { return found }
            return []
        }
        // A finding of an id no registered schema rule claims is kept, never dropped unseen (a
        // disabled rule's findings are dropped on purpose). `RuleIDTests` keeps the ids equal.
        for (id, unclaimed) in bySchemaRule.sorted(by: { $0.key < $1.key }) where !Self.schemaRuleIDs.contains(id) {
            findings += unclaimed
        }
        let notValidated = pass?.notValidated ?? 0
        return CheckOutcome(diagnostics: policy.apply(to: findings, in: graph), notValidated: notValidated)
    }

    /// The ids of the registered rules whose findings come from the schema pass.
    static let schemaRuleIDs = Set(RuleRegistry.all.filter { $0 is any SchemaRule }.map(\.info.id))
}

public struct CheckOutcome: Sendable {
    public var diagnostics: [Diagnostic]
    /// Objects no API schema covers (custom resources whose CRD is not in the inputs).
    public var notValidated: Int
}

/// What one concurrent task of `Checker.run` produced.
private enum TaskResult: Sendable {
    case findings([Diagnostic])
    case schemaPass(SchemaPassResult)
}
