import KubeModel

/// Whether two input files are provably applied together, so that two definitions of one object
/// (or one host and path) in them collide. Repositories keep alternatives side by side: one file
/// per end-to-end scenario, `install.yaml` next to `namespace-install.yaml`, one folder per
/// environment or example. Files are applied together when they are one file (a document
/// stream, a rendered kustomization or chart), when both were named on the command line (or read
/// from standard input), or when one skaffold config's raw manifests globs match both. Two files
/// found by walking folders are otherwise taken for variants applied one at a time.
struct AppliedTogether {
    private let walked: Set<String>
    private let skaffoldConfigs: [SkaffoldConfig]

    init(_ graph: ManifestGraph, context: RuleContext) {
        walked = context.walkedFiles
        skaffoldConfigs = graph.skaffoldConfigs.filter { !$0.manifestGlobs.isEmpty }
    }

    func provable(_ first: String, _ second: String) -> Bool {
        if first == second { return true }
        if !walked.contains(first) && !walked.contains(second) { return true }
        return skaffoldConfigs.contains { $0.matchesManifestGlob(first) && $0.matchesManifestGlob(second) }
    }
}
