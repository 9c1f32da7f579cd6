import KubeDiagnostics
import Testing

@testable import KubeRules

/// Rule ids are written once, as `RuleID` constants: the registry, the schema pass and the list of
/// constants must name the same rules, or a finding would go to no rule.
@Suite("rule ids")
struct RuleIDTests {
    @Test func theRegistryHoldsEveryRuleIDOnce() {
        let registered = RuleRegistry.all.map(\.id)
        #expect(Set(registered).count == registered.count, "an id is registered twice")
        #expect(Set(registered) == Set(RuleID.checkerRules.map(\.rawValue)))
    }

    @Test func everyIDTheSchemaWalkEmitsIsDeclaredByItsPass() {
        #expect(Set(RuleID.schemaPass.map(\.rawValue)).isSubset(of: Set(APIPass().rules.map(\.id))))
        #expect(APIPass.schemaWalkIDs == Set(RuleID.schemaPass.map(\.rawValue)))
    }

    @Test func inputProblemsAndRulesNeverShareAnID() {
        let all = RuleRegistry.all.map(\.id) + InputProblem.all.map(\.id) + [RuleID.config.rawValue]
        #expect(Set(all).count == all.count)
    }
}
