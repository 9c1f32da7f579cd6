import KubeModel
import KubeRules
import Testing

private func graph(_ yaml: String, _ name: String) -> ManifestGraph {
    ManifestLoader.load(text: yaml, name: name).graph
}

private let web = graph("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\n", "web.yaml")
private let api = graph("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api}\n", "api.yaml")

@Suite("DeployUnitNames: what the other deploy units of a run define")
struct DeployUnitNamesTests {
    @Test func aGraphAloneLearnsNothingFromItself() {
        let names = DeployUnitNames([web])
        let other = names.definedInOtherUnits(than: web)
        #expect(!other("ServiceAccount", "web"))
        #expect(!other("ServiceAccount", "api"))
    }

    @Test func eachGraphLearnsWhatTheOthersDefineAndNotItsOwn() {
        let names = DeployUnitNames([web, api])
        #expect(names.definedInOtherUnits(than: web)("ServiceAccount", "api"))
        #expect(!names.definedInOtherUnits(than: web)("ServiceAccount", "web"))
        #expect(names.definedInOtherUnits(than: api)("ServiceAccount", "web"))
        #expect(!names.definedInOtherUnits(than: api)("Secret", "web"))
    }

    @Test func evidenceBesideOneGraphCounts() {
        // Files a kustomization's folder holds but does not list: what they define exists.
        let names = DeployUnitNames([web], evidenceOnly: [api])
        #expect(names.definedInOtherUnits(than: web)("ServiceAccount", "api"))
        #expect(!names.definedInOtherUnits(than: web)("ServiceAccount", "web"))
    }
}
