import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

/// Skaffold's images, compared once: which artifacts the deployed workloads use (skaffold-image:
/// a workload image that looks meant to be built but is not; skaffold-artifact-unused: an artifact
/// no deployed workload uses).
struct SkaffoldImagePass: RulePass {
    let rules: [RuleInfo] = [.skaffoldImage, .skaffoldArtifactUnused]

    func run(_ graph: ManifestGraph, context: RuleContext, enabled: Set<String>) -> PassResult {
        guard let analysis = SkaffoldImages(graph) else { return PassResult() }
        var findings: [Diagnostic] = []
        if enabled.contains(RuleID.skaffoldImage.rawValue) { findings += SkaffoldImageRule().check(analysis) }
        if enabled.contains(RuleID.skaffoldArtifactUnused.rawValue) {
            findings += SkaffoldArtifactUnusedRule().check(analysis, in: graph)
        }
        return PassResult(findings: findings)
    }
}

/// The artifacts of every skaffold config and the images of the workloads skaffold deploys.
struct SkaffoldImages {
    struct Use {
        var workload: Workload
        var container: Container
        var image: String
        var key: String
        var node: YAMLNode
    }

    var artifacts: [(SkaffoldConfig, SkaffoldArtifact)]
    var artifactKeys: Set<String>
    var uses: [Use]
    /// Images that artifacts name in `requires` (base images built first).
    var requiredImages: Set<String>

    /// Nil when there is nothing to compare: no skaffold config or no deployed workload.
    init?(_ graph: ManifestGraph) {
        guard !graph.skaffoldConfigs.isEmpty else { return nil }
        artifacts = graph.skaffoldConfigs.flatMap { config in config.artifacts.map { (config, $0) } }
        artifactKeys = Set(artifacts.map { SkaffoldConfig.imageKey($0.1.image) })
        requiredImages = Set(
            artifacts.flatMap { ($0.1.node["requires"]?.items ?? []).compactMap { $0["image"]?.scalar } }.map(
                SkaffoldConfig.imageKey))
        var uses: [Use] = []
        for workload in graph.workloads
        where graph.skaffoldConfigs.contains(where: { $0.deploys(workload.object.file) }) {
            for container in workload.template.containers {
                guard let node = container.imageNode, let image = node.string, !image.isEmpty else { continue }
                uses.append(
                    Use(
                        workload: workload, container: container, image: image, key: SkaffoldConfig.imageKey(image),
                        node: node))
            }
        }
        guard !uses.isEmpty else { return nil }
        self.uses = uses
    }

    func artifact(_ key: String) -> (SkaffoldConfig, SkaffoldArtifact)? {
        artifacts.first { SkaffoldConfig.imageKey($0.1.image) == key }
    }

    /// The artifact image `key` most likely meant: a near typo, or the same
    /// last path component under another repository (`someone/posts` for `posts`).
    func similarArtifact(to key: String) -> String? {
        let sorted = artifactKeys.sorted()
        if let typo = NearName.inputName.nearest(key, in: sorted) { return typo }
        let last = key.split(separator: "/").last.map(String.init) ?? key
        return sorted.first { $0 != key && ($0.split(separator: "/").last.map(String.init) ?? $0) == last }
    }

    /// `me` for `me/posts`, `gcr.io/team` for `gcr.io/team/api`; nil for a bare name.
    static func repository(of key: String) -> String? {
        guard let slash = key.lastIndex(of: "/") else { return nil }
        return String(key[..<slash])
    }
}
