import Foundation
import KubeInputs
import Testing

/// A scratch folder tree for planner tests.
final class Tree {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("kubewire-plan-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func write(_ path: String, _ text: String = "") throws {
        let full = root + "/" + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
    }

    func relative(_ paths: [String]) -> [String] { paths.map { String($0.dropFirst(root.count + 1)) } }
}

@Suite struct InputPlanTests {
    @Test func walkSkipsDependencyAndHiddenFoldersAndKeepsPlainManifests() throws {
        let tree = try Tree()
        try tree.write("k8s/app.yaml")
        try tree.write("node_modules/pkg/x.yaml")
        try tree.write("vendor/lib/y.yml")
        try tree.write(".github/workflows/ci.yml")
        try tree.write("docker-compose.yml")
        let plan = InputPlanner.plan([tree.root])
        #expect(tree.relative(plan.plainFiles.map(\.path)) == ["docker-compose.yml", "k8s/app.yaml"])
        #expect(plan.plainFiles.allSatisfy { !$0.isExplicit })
    }

    @Test func walkPlansJSONFilesAsKubectlReadsThem() throws {
        let tree = try Tree()
        try tree.write("k8s/app.json")
        try tree.write("k8s/app.yaml")
        try tree.write("k8s/notes.txt")
        let plan = InputPlanner.plan([tree.root])
        #expect(tree.relative(plan.plainFiles.map(\.path)) == ["k8s/app.json", "k8s/app.yaml"])
    }

    @Test func filesAKustomizationFolderHoldsButNoKustomizationListsArePlannedAsEvidence() throws {
        let tree = try Tree()
        try tree.write("config/default/kustomization.yaml", "resources:\n- ../rbac\n- ../manager/manager.yaml\n")
        try tree.write("config/manager/kustomization.yaml", "resources: []\n")
        try tree.write("config/manager/manager.yaml")
        try tree.write("config/rbac/kustomization.yaml", "resources:\n# - service_account.yaml\n- role.yaml\n")
        try tree.write("config/rbac/role.yaml")
        try tree.write("config/rbac/service_account.yaml")
        try tree.write("config/rbac/notes.txt")
        let plan = InputPlanner.plan([tree.root])
        // manager.yaml is listed by another kustomization; role.yaml by its own.
        #expect(tree.relative(plan.unlistedKustomizationFiles) == ["config/rbac/service_account.yaml"])
        #expect(plan.plainFiles.isEmpty)
    }

    @Test func aFileNamedExplicitlyIsKeptAsGiven() throws {
        let tree = try Tree()
        try tree.write("node_modules/x.yaml")
        let plan = InputPlanner.plan([tree.root + "/node_modules/x.yaml"])
        #expect(plan.plainFiles.map(\.isExplicit) == [true])
    }

    @Test func walkedRegularFilesComeWithTheirRealPaths() throws {
        let tree = try Tree()
        try tree.write("k8s/app.yaml")
        try tree.write("k8s/deep/db.yaml")
        try tree.write("other/target.yaml")
        try FileManager.default.createSymbolicLink(
            atPath: tree.root + "/k8s/link.yaml", withDestinationPath: tree.root + "/other/target.yaml")
        try tree.write("named.yaml")
        let plan = InputPlanner.plan([tree.root + "/k8s", tree.root + "/named.yaml"])
        let real = try #require(InputPlanner.canonicalPath(tree.root))
        // Not the link (its real path is elsewhere) nor the file named on the command line.
        #expect(
            plan.walkedRegularFiles == [
                tree.root + "/k8s/app.yaml": real + "/k8s/app.yaml",
                tree.root + "/k8s/deep/db.yaml": real + "/k8s/deep/db.yaml",
            ])
        #expect(plan.plainFiles.count == 4)
    }

    @Test func oneFileUnderSeveralSpellingsIsPlannedOnce() throws {
        let tree = try Tree()
        try tree.write("infra/k8s/a.yaml")
        let plan = InputPlanner.plan([
            tree.root + "/infra", tree.root + "/infra//k8s", tree.root + "/infra/./k8s",
            tree.root + "/infra/k8s/a.yaml",
            tree.root + "/infra/k8s/../k8s/a.yaml",
        ])
        #expect(plan.plainFiles.count == 1)
        #expect(plan.plainFiles.first?.isExplicit == true)
    }

    @Test func onlyDeployableKustomizationsAreRootsAndTheirFilesAreNotPlain() throws {
        let tree = try Tree()
        try tree.write("base/kustomization.yaml", "resources: [deployment.yaml, extra/service.yaml]\n")
        try tree.write("base/deployment.yaml")
        try tree.write("base/extra/service.yaml")
        try tree.write("base/extra/unused.yaml")
        try tree.write("overlays/prod/kustomization.yaml", "resources: [../../base]\npatches:\n  - path: patch.yaml\n")
        try tree.write("overlays/prod/patch.yaml")
        try tree.write("overlays/dev/Kustomization", "resources:\n  - ../../base\n  - https://example.com/x.yaml\n")
        try tree.write(
            "components/debug/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches: [{path: debug.yaml}]\n")
        try tree.write("components/debug/debug.yaml")
        let plan = InputPlanner.plan([tree.root])
        #expect(tree.relative(plan.kustomizations.map(\.path)).sorted() == ["overlays/dev", "overlays/prod"])
        #expect(tree.relative(plan.plainFiles.map(\.path)) == ["base/extra/unused.yaml"])
    }

    @Test func aChartFolderIsOneChartAndNothingBelowItIsPlain() throws {
        let tree = try Tree()
        try tree.write("charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
        try tree.write("charts/web/values.yaml")
        try tree.write("charts/web/templates/service.yaml", "kind: {{ .Values.kind }}\n")
        let plan = InputPlanner.plan([tree.root])
        #expect(tree.relative(plan.charts.map(\.path)) == ["charts/web"])
        #expect(plan.plainFiles.isEmpty)

        try tree.write("charts/common/Chart.yaml", "apiVersion: v2\nname: common\ntype: library\nversion: 1.0.0\n")
        try tree.write("charts/common/templates/_labels.tpl", "{{- define \"labels\" }}{{ end }}\n")
        #expect(tree.relative(InputPlanner.plan([tree.root]).charts.map(\.path)) == ["charts/web"])
    }

    @Test func aMissingPathIsAnInputProblem() throws {
        let tree = try Tree()
        let plan = InputPlanner.plan([tree.root + "/nope"])
        #expect(plan.problems.map(\.ruleID) == ["unreadable-input"])
    }

    @Test func aNamedKustomizationFileOrAFileItUsesStandsForItsFolder() throws {
        let tree = try Tree()
        try tree.write("prod/kustomization.yaml", "resources: [app.yaml]\npatches:\n  - path: patch.yaml\n")
        try tree.write("prod/app.yaml")
        try tree.write("prod/patch.yaml")
        try tree.write("prod/notes.yaml")
        for named in ["prod/kustomization.yaml", "prod/patch.yaml", "prod/app.yaml"] {
            let plan = InputPlanner.plan([tree.root + "/" + named])
            #expect(tree.relative(plan.kustomizations.map(\.path)) == ["prod"], "\(named)")
            #expect(plan.plainFiles.isEmpty, "\(named)")
        }
        // A file the kustomization does not use is checked as given.
        let plan = InputPlanner.plan([tree.root + "/prod/notes.yaml"])
        #expect(plan.kustomizations.isEmpty && plan.plainFiles.count == 1)
    }
}
