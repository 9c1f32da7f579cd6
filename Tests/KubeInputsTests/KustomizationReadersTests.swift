import Foundation
import KubeInputs
import Testing

@Suite struct KustomizationReadersTests {
    /// A layout of two overlays on a base, one through a middle base, one with a component and a patch.
    func layout() throws -> Tree {
        let tree = try Tree()
        try tree.write(".git/HEAD", "ref: refs/heads/main\n")
        try tree.write("deploy/base/kustomization.yaml", "resources:\n  - web.yaml\n")
        try tree.write("deploy/base/web.yaml")
        try tree.write("deploy/middle/kustomization.yaml", "resources:\n  - ../base\n")
        try tree.write(
            "deploy/overlays/prod/kustomization.yaml",
            "resources:\n  - ../../middle\ncomponents:\n  - ../../tls\npatches:\n  - path: replicas.yaml\n")
        try tree.write("deploy/overlays/prod/replicas.yaml")
        try tree.write(
            "deploy/tls/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - cert.yaml\n")
        try tree.write("deploy/tls/cert.yaml")
        try tree.write("deploy/overlays/dev/kustomization.yaml", "resources:\n  - ../../base\n")
        return tree
    }

    @Test func theDeployedKustomizationsThatReachAFileAreItsReadersFromTheRepositoryRoot() throws {
        let tree = try layout()
        // Named: one overlay only; the search starts at the folder holding .git.
        let search = KustomizationReaders.search(inputs: [tree.root + "/deploy/overlays/prod"])
        #expect(search.cutShort == nil)
        func readers(_ file: String) -> [String] {
            search.readers(of: tree.root + "/" + file).map {
                String($0.path.split(separator: "/").suffix(2).joined(separator: "/"))
            }
            .sorted()
        }
        // Bases and components are not deployed alone: only the overlays read.
        #expect(readers("deploy/base/web.yaml") == ["overlays/dev", "overlays/prod"])
        #expect(readers("deploy/tls/cert.yaml") == ["overlays/prod"])
        #expect(readers("deploy/overlays/prod/replicas.yaml") == ["overlays/prod"])
        #expect(readers("deploy/base/kustomization.yaml") == ["overlays/dev", "overlays/prod"])
    }

    @Test func aSearchCutShortSaysSo() throws {
        let tree = try layout()
        let few = KustomizationReaders.search(inputs: [tree.root + "/deploy"], maxFiles: 3)
        #expect(few.cutShort?.contains("more than 3 files") == true)
        let shallow = KustomizationReaders.search(inputs: [tree.root + "/deploy"], maxDepth: 1)
        #expect(shallow.cutShort?.contains("more than 1 folders below") == true)
    }
}
