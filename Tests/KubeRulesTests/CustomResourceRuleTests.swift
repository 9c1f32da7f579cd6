import KubeDiagnostics
import KubeModel
import KubeRules
import Testing

@Suite("custom resource rules")
struct CustomResourceRuleTests {
    /// The rule ids of what `Checker` finds in `yaml`.
    private func ruleIDs(_ yaml: String) -> [String] {
        let loaded = ManifestLoader.load(text: yaml, name: "m.yaml")
        #expect(loaded.problems.isEmpty)
        return Checker().check(loaded.graph).map(\.ruleID)
    }

    @Test func aRolloutServiceDefinedTwiceIsDuplicateObjectsOneFinding() {
        // Apart, each definition of `web-stable` is checked against the Rollout's pods: the first
        // selects another workload's pods. Together, which one applies is unknown.
        let rollout = """
            apiVersion: argoproj.io/v1alpha1
            kind: Rollout
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: web}]}}
              strategy: {canary: {stableService: web-stable}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api}
            spec:
              selector: {matchLabels: {app: api}}
              template: {metadata: {labels: {app: api}}, spec: {containers: [{name: api, image: api}]}}
            """
        let other = """
            apiVersion: v1
            kind: Service
            metadata: {name: web-stable}
            spec: {selector: {app: api}, ports: [{port: 80}]}
            """
        let own = """
            apiVersion: v1
            kind: Service
            metadata: {name: web-stable}
            spec: {selector: {app: web}, ports: [{port: 80}]}
            """
        #expect(ruleIDs(rollout + "\n---\n" + other) == ["rollout-service"])
        #expect(ruleIDs(rollout + "\n---\n" + other + "\n---\n" + own) == ["duplicate-object"])
    }
}
