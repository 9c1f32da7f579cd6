import KubeModel

/// Which input files are applied together. Repositories keep alternatives side by side: one file
/// per end-to-end scenario, `install.yaml` next to `namespace-install.yaml`, one folder per
/// environment or example. The one policy for every rule that compares objects of several files:
/// - `provable`: two files are provably applied together when they are one file (a document
///   stream, a rendered kustomization or chart), when both were named on the command line (or
///   read from standard input), or when one skaffold config's raw manifests globs match both.
///   Two definitions of one object (or one host and path) collide only then.
/// - `mayApply`: what may be applied with a referencing file, and so may prove its target missing
///   (the namespace defines others of the kind, or one with a near name): the provable cases, and
///   walked files whose folder is the referencing file's folder, an ancestor or a descendant of it
///   (a folder and its subfolders go together with `kubectl apply -R` or one kustomization).
///   Sibling folders are alternatives, and prove nothing about each other.
/// - `preferred`: of several definitions of one name (alternatives), the one a reference means:
///   in its own file, then its own folder scope, then the first.
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

    /// Whether objects of `other` may be applied with those of `file` (see the type's comment).
    func mayApply(_ other: String, with file: String) -> Bool {
        provable(file, other) || FolderScope.related(file, other)
    }

    /// `definitions` with those of `file`'s scope first: its own file, then what may be applied
    /// with it, then the rest (a stable order otherwise).
    func preferred<Definition>(_ definitions: [Definition], for file: String, at location: (Definition) -> String)
        -> [Definition]
    {
        func rank(_ definition: Definition) -> Int {
            let other = location(definition)
            if other == file { return 0 }
            return mayApply(other, with: file) ? 1 : 2
        }
        return definitions.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }
            .map(\.element)
    }
}
