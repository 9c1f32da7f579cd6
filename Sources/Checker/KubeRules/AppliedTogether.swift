import Foundation
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
/// - `installedSeparately`: a name the inputs define only outside what may be applied with a
///   referencing file (in a sibling folder, or another rendered kustomization or chart) is
///   installed by that other deploy unit, whatever its namespace there: its absence proves nothing.
/// - A kustomization or chart rendered from `--context` (`RuleContext.contextUnitFiles`) may be
///   applied with every input file (the user named it as what the inputs go with), but is never
///   provably applied together with one: its objects resolve references and offer near names, and
///   never collide with the inputs' objects.
struct AppliedTogether {
    private let walked: Set<String>
    private let skaffoldConfigs: [SkaffoldConfig]
    private let definedInOtherUnits: @Sendable (String, String) -> Bool
    private let foldersWithTemplates: Set<String>
    private let contextUnitFiles: Set<String>

    init(_ graph: ManifestGraph, context: RuleContext) {
        walked = context.walkedFiles
        skaffoldConfigs = graph.skaffoldConfigs.filter { !$0.manifestGlobs.isEmpty }
        definedInOtherUnits = context.definedInOtherUnits
        foldersWithTemplates = context.foldersWithTemplates
        contextUnitFiles = context.contextUnitFiles
    }

    /// Whether `file` is a kustomization or chart rendered from `--context`.
    func isContextUnit(_ file: String) -> Bool {
        !contextUnitFiles.isEmpty && contextUnitFiles.contains(file)
    }

    /// Whether `file`'s folder holds a walked template (`kind: ReplicationController` with
    /// `replicas: {{replicas}}`, filled in by a script): objects may exist that the inputs do not show,
    /// so, as beside custom resources an operator serves, only a spelling slip proves one missing.
    func templatesBeside(_ file: String) -> Bool {
        guard !foldersWithTemplates.isEmpty else { return false }
        return foldersWithTemplates.contains((file as NSString).deletingLastPathComponent)
    }

    /// Whether another deploy unit of the inputs defines a `kind` named `name` (see the type's comment).
    func installedSeparately(kind: String, name: String, in graph: ManifestGraph, from file: String) -> Bool {
        if definedInOtherUnits(kind, name) { return true }
        // Only on the way to a finding: a scan of the graph is affordable there.
        return graph.objects.contains { $0.kind == kind && $0.name == name && !mayApply($0.file, with: file) }
    }

    func provable(_ first: String, _ second: String) -> Bool {
        if first == second { return true }
        if isContextUnit(first) || isContextUnit(second) { return false }
        if !walked.contains(first) && !walked.contains(second) { return true }
        return skaffoldConfigs.contains { $0.matchesManifestGlob(first) && $0.matchesManifestGlob(second) }
    }

    /// Whether objects of `other` may be applied with those of `file` (see the type's comment).
    func mayApply(_ other: String, with file: String) -> Bool {
        isContextUnit(other) || provable(file, other) || FolderScope.related(file, other)
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

/// The kinds and names each deploy unit of one run defines (the plain files' graph, each rendered
/// kustomization or chart), so that a graph can ask what the others define: a ServiceAccount that a
/// separately applied kustomization of the repository defines is installed by it, not missing.
public struct DeployUnitNames: Sendable {
    private var unitCounts: [String: Int] = [:]

    /// `evidenceOnly`: graphs of files no deploy unit applies (a kustomization's folder holds them
    /// but it does not list them): what they define exists another way, if at all, so it is never
    /// proven missing; they are not units whose own names are asked about.
    public init(_ graphs: [ManifestGraph], evidenceOnly: [ManifestGraph] = []) {
        // One graph alone (plain files, no kustomization or chart): nothing is defined by another
        // unit, and the keys of 10,000 objects would cost a String each for no answer.
        guard graphs.count > 1 || !evidenceOnly.isEmpty else { return }
        for graph in graphs + evidenceOnly {
            for key in Self.keys(of: graph) { unitCounts[key, default: 0] += 1 }
        }
    }

    /// `RuleContext.definedInOtherUnits` for `graph`, one of the graphs this was made from.
    public func definedInOtherUnits(than graph: ManifestGraph) -> @Sendable (String, String) -> Bool {
        guard !unitCounts.isEmpty else { return { _, _ in false } }
        let own = Self.keys(of: graph)
        let counts = unitCounts
        return { kind, name in
            let key = Self.key(kind, name)
            return (counts[key] ?? 0) - (own.contains(key) ? 1 : 0) > 0
        }
    }

    private static func keys(of graph: ManifestGraph) -> Set<String> {
        Set(graph.objects.lazy.filter { !$0.name.isEmpty }.map { key($0.kind, $0.name) })
    }

    private static func key(_ kind: String, _ name: String) -> String { kind + "/" + name }
}
