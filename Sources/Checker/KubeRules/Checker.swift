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

    /// The rules the check reports, in the registry's order: those of `rules` the policy selects.
    public var rules: [RuleInfo]
    public var context: RuleContext
    public let policy: Policy
    /// The analyses that produce the findings: the registry's (tests substitute their own).
    var passes: [any RulePass] = RuleRegistry.passes

    /// A checker of `rules` under `policy`: its selection here, its suppressions, severities and
    /// focus on each run's findings (`Policy.apply`). The rules see the policy's release and NodePort
    /// range, and what only the caller knows: the files found by walking, the file system.
    public init(
        rules: [RuleInfo] = RuleRegistry.all, policy: Policy = Policy(), walkedFiles: Set<String> = [],
        fileExists: @escaping @Sendable (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) {
        self.rules = rules.filter { policy.selects($0) }
        self.policy = policy
        self.context = RuleContext(
            kubeVersion: policy.kubeVersion, nodePortRange: policy.nodePortRange, walkedFiles: walkedFiles,
            fileExists: fileExists)
    }

    public func check(_ graph: ManifestGraph) -> [Diagnostic] { run(graph).diagnostics }

    /// Findings, and how many objects no API schema covered.
    public func run(_ graph: ManifestGraph) -> CheckOutcome {
        // Passes are independent: run each once, at the same time, then join their findings in
        // rule order, as a sequential run would. A pass none of whose rules is reported is not run.
        let context = context
        let enabled = Set(rules.map(\.id))
        let scheduled = passes.filter { pass in pass.rules.contains { enabled.contains($0.id) } }
        // The long passes (the schema walk) start first, so no core idles at the end.
        let order =
            scheduled.indices.filter { scheduled[$0].runsLong } + scheduled.indices.filter { !scheduled[$0].runsLong }
        // Built here, before the passes share the pool, so no pass's thread waits on its builder.
        graph.prepareServiceURLIndex()
        let results = order.parallelMap(workers: order.count) { index -> PassResult in
            let pass = scheduled[index]
            return pass.run(graph, context: context, enabled: enabled.intersection(pass.rules.map(\.id)))
        }
        var byRule = [[Diagnostic]](repeating: [], count: rules.count)
        let position = Dictionary(rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        var undeclared: [Diagnostic] = []
        var notValidated = 0
        for (index, result) in zip(order, results) {
            let declared = Set(scheduled[index].rules.map(\.id))
            for finding in result.findings {
                if !declared.contains(finding.ruleID) {
                    undeclared.append(finding)
                } else if let at = position[finding.ruleID] {
                    byRule[at].append(finding)
                }  // else a rule the check does not report: dropped
            }
            notValidated += result.notValidated
        }
        // A pass reports only the ids it declares (`RulePassTests`); should one not, its finding is
        // kept, never dropped unseen.
        assert(undeclared.isEmpty, "a pass reported undeclared rule ids: \(Set(undeclared.map(\.ruleID)).sorted())")
        let findings = byRule.flatMap { $0 } + undeclared
        return CheckOutcome(diagnostics: policy.apply(to: findings, in: graph), notValidated: notValidated)
    }

    /// The findings of `pass` whose rule id it does not declare: none, for a correct pass.
    static func undeclaredFindings(_ findings: [Diagnostic], of pass: any RulePass) -> [Diagnostic] {
        let declared = Set(pass.rules.map(\.id))
        return findings.filter { !declared.contains($0.ruleID) }
    }
}

public struct CheckOutcome: Sendable {
    public var diagnostics: [Diagnostic]
    /// Objects no API schema covers (custom resources whose CRD is not in the inputs).
    public var notValidated: Int
}
