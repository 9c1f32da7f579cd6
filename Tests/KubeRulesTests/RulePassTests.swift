import Foundation
import KubeDiagnostics
import KubeModel
import Testing

@testable import KubeRules

/// The contract between the checker and its passes: every rule belongs to exactly one pass, a pass
/// reports only the ids it declares, runs once per check, and not at all when none of its rules is
/// reported; findings of a disabled rule are dropped, its siblings' kept.
@Suite("rule passes")
struct RulePassTests {
    @Test func everyRuleBelongsToExactlyOnePass() {
        var owners: [String: Int] = [:]
        for pass in RuleRegistry.passes {
            #expect(!pass.rules.isEmpty, "a pass declares no rule")
            for rule in pass.rules { owners[rule.id, default: 0] += 1 }
        }
        #expect(
            owners.filter { $0.value != 1 }.isEmpty, "ids of more than one pass: \(owners.filter { $0.value != 1 })")
        #expect(RuleRegistry.all.map(\.id) == RuleRegistry.passes.flatMap { $0.rules.map(\.id) })
    }

    /// The order `kubewire rules` (and the README table) lists: unchanged by the passes.
    @Test func theRegistryKeepsItsRuleOrder() {
        #expect(
            RuleRegistry.all.map(\.id).prefix(8) == [
                "service-selector", "workload-selector", "service-target-port", "service-target-port-partial",
                "service-target-port-undeclared", "ingress-backend", "service-url", "probe-port",
            ])
        let api = ["api-kind", "api-removed", "api-deprecated", "unknown-field", "required-field", "field-type"]
        let ids = RuleRegistry.all.map(\.id)
        let start = ids.firstIndex(of: "api-kind") ?? 0
        #expect(Array(ids[start..<min(ids.count, start + api.count)]) == api)
        #expect(ids.last == "disable-annotation")
    }

    /// Where rule X lives is `ls Rules/X.swift`: one file per id, holding that id's RuleInfo; a
    /// schema rule's file names the KubeSchema code that reports it.
    @Test func everyRuleHasItsOwnFileNamedByItsID() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Checker/KubeRules/Rules")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        #expect(Set(files) == Set(RuleRegistry.all.map { "\($0.id).swift" }))
        for id in RuleRegistry.all.map(\.id) {
            let text = try String(contentsOf: folder.appendingPathComponent("\(id).swift"), encoding: .utf8)
            let parts = id.split(separator: "-")
            let constant = parts[0] + parts.dropFirst().map(\.capitalized).joined()
            #expect(text.contains("id: .\(constant),"), "Rules/\(id).swift holds another rule's RuleInfo")
            if RuleID.schemaPass.map(\.rawValue).contains(id) {
                #expect(text.contains("in KubeSchema/"), "Rules/\(id).swift names no KubeSchema function")
            }
        }
    }

    /// Every pass of the registry, run alone over every fixture, reports only its own ids.
    @Test func passesReportOnlyTheIDsTheyDeclare() {
        for fixture in FixtureCase.all {
            let loaded = ManifestLoader.load([.path(fixture.path)])
            let (_, version) = expectations(in: loaded.inputNames)
            let context = RuleContext(kubeVersion: version ?? .current, walkedFiles: loaded.walkedFiles)
            for pass in RuleRegistry.passes {
                let result = pass.run(loaded.graph, context: context, enabled: Set(pass.rules.map(\.id)))
                let wrong = Checker.undeclaredFindings(result.findings, of: pass)
                #expect(
                    wrong.isEmpty,
                    "\(fixture.testDescription): a pass of \(pass.rules.map(\.id)) reports \(Set(wrong.map(\.ruleID)))")
            }
        }
    }

    @Test func aFindingOfAnUndeclaredIDIsCaught() {
        let pass = ScriptedPass(rules: [.duplicateEnv], emits: ["duplicate-env", "duplicate-env-repeated"])
        let findings = pass.run(Self.graph, context: RuleContext(), enabled: ["duplicate-env"]).findings
        #expect(Checker.undeclaredFindings(findings, of: pass).map(\.ruleID) == ["duplicate-env-repeated"])
    }

    #if DEBUG
        /// In a debug build (tests run in one) the checker stops on a pass that reports an id it
        /// does not declare.
        @Test func theCheckerAssertsOnAnUndeclaredID() async {
            await #expect(processExitsWith: .failure) {
                var checker = Checker()
                checker.passes = [ScriptedPass(rules: [.duplicateEnv], emits: ["duplicate-env-repeated"])]
                _ = checker.check(RulePassTests.graph)
            }
        }
    #endif

    @Test func aPassRunsOncePerCheckAndItsFindingsJoinInRuleOrder() {
        let pass = ScriptedPass(
            rules: [.duplicateEnv, .duplicateEnvRepeated], emits: ["duplicate-env-repeated", "duplicate-env"])
        var checker = Checker()
        checker.passes = [pass]
        let findings = checker.check(Self.graph)
        #expect(pass.runs.count == 1)
        #expect(pass.runs.enabled == [["duplicate-env", "duplicate-env-repeated"]])
        #expect(findings.map(\.ruleID) == ["duplicate-env", "duplicate-env-repeated"])
    }

    @Test func findingsOfADisabledRuleAreDropped() {
        let pass = ScriptedPass(
            rules: [.duplicateEnv, .duplicateEnvRepeated], emits: ["duplicate-env-repeated", "duplicate-env"])
        var checker = Checker(policy: Policy(disabled: ["duplicate-env-repeated"]))
        checker.passes = [pass]
        #expect(checker.check(Self.graph).map(\.ruleID) == ["duplicate-env"])
        #expect(pass.runs.enabled == [["duplicate-env"]])
    }

    @Test func aPassWhoseRulesAreAllDisabledDoesNotRun() {
        let pass = ScriptedPass(rules: [.duplicateEnv, .duplicateEnvRepeated], emits: ["duplicate-env"])
        let other = ScriptedPass(rules: [DuplicatePortRule().info], emits: ["duplicate-port"])
        var checker = Checker(policy: Policy(disabled: ["duplicate-env", "duplicate-env-repeated"]))
        checker.passes = [pass, other]
        #expect(checker.check(Self.graph).map(\.ruleID) == ["duplicate-port"])
        #expect(pass.runs.count == 0)
        #expect(other.runs.count == 1)
        var none = Checker(policy: Policy(disabled: [Checker.disableAll]))
        none.passes = [pass, other]
        #expect(none.check(Self.graph).isEmpty)
        #expect(pass.runs.count == 0 && other.runs.count == 1)
    }

    /// The real passes: disabling one rule of a pass removes its findings and nothing else, over
    /// the fixtures of every rule of a shared pass.
    @Test func disablingOneRuleOfASharedPassKeepsTheOthers() {
        for pass in RuleRegistry.passes where pass.rules.count > 1 {
            let ids = pass.rules.map(\.id)
            for fixture in FixtureCase.all where ids.contains(fixture.ruleFolder) {
                let loaded = ManifestLoader.load([.path(fixture.path)])
                let (_, version) = expectations(in: loaded.inputNames)
                let policy = Policy(kubeVersion: version ?? .current)
                let all = Checker(policy: policy, walkedFiles: loaded.walkedFiles).check(loaded.graph)
                for id in ids {
                    var narrower = policy
                    narrower.disabled.insert(id)
                    let without = Checker(policy: narrower, walkedFiles: loaded.walkedFiles).check(loaded.graph)
                    #expect(
                        without == all.filter { $0.ruleID != id },
                        "\(fixture.testDescription): disabling \(id) changed other findings")
                }
            }
        }
    }

    /// The schema walk is most of a check: with its rules disabled it does not run, though the
    /// API version rules of its pass still do.
    @Test func theSchemaWalkIsSkippedWhenItsRulesAreDisabled() {
        let loaded = ManifestLoader.load(
            text: """
                apiVersion: example.com/v1
                kind: Widget
                metadata:
                  name: w
                ---
                apiVersion: extensions/v1beta1
                kind: Ingress
                metadata:
                  name: old
                spec: {}
                """, name: "walk.yaml")
        let full = Checker().run(loaded.graph)
        #expect(full.notValidated == 1)
        #expect(full.diagnostics.contains { $0.ruleID == "api-removed" })
        let walkIDs = Set(RuleID.schemaPass.map(\.rawValue))
        let withoutWalk = Checker(policy: Policy(disabled: walkIDs)).run(loaded.graph)
        #expect(withoutWalk.notValidated == 0)
        #expect(
            withoutWalk.diagnostics.map(\.ruleID) == full.diagnostics.map(\.ruleID).filter { !walkIDs.contains($0) })
        #expect(withoutWalk.diagnostics.contains { $0.ruleID == "api-removed" })
    }

    static var graph: ManifestGraph {
        ManifestLoader.load(text: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n", name: "c.yaml").graph
    }
}

/// A pass that reports one finding of each id of `emits` (declared or not) and records its runs.
private final class ScriptedPass: RulePass, @unchecked Sendable {
    let rules: [RuleInfo]
    let emits: [String]
    private let lock = NSLock()
    private var enabledSets: [Set<String>] = []

    init(rules: [RuleInfo], emits: [String]) {
        self.rules = rules
        self.emits = emits
    }

    var runs: (count: Int, enabled: [Set<String>]) { lock.withLock { (enabledSets.count, enabledSets) } }

    func run(_ graph: ManifestGraph, context: RuleContext, enabled: Set<String>) -> PassResult {
        lock.withLock { enabledSets.append(enabled) }
        return PassResult(
            findings: emits.map { Diagnostic(ruleID: $0, severity: .error, span: nil, message: "scripted \($0)") })
    }
}
