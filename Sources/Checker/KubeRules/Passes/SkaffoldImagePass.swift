import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

/// Skaffold replaces a manifest image only when its name (minus tag and
/// digest) equals an artifact's `image` exactly; anything else is pulled.
/// Public images are pulled on purpose, so an unbuilt image is reported only
/// with evidence that it was meant to be built: it is a near-miss of an
/// artifact image, or it shares an artifact's repository prefix.
struct SkaffoldImageRule: Rule {
    let info = RuleInfo(
        id: .skaffoldImage,
        summary:
            "Workload images that look like skaffold's own (a near-miss of an artifact, or the same repository prefix) are built by an artifact",
        why:
            "Skaffold substitutes the built tag only into manifest images whose name equals an artifact's `image` exactly (tag and digest ignored, no registry normalisation). An image that misses an artifact by a typo, or another image under the same repository as the artifacts, is pulled from a registry instead (ErrImagePull, or an old image). Only workloads in files skaffold deploys count (its raw manifests globs, and files under its kustomize paths and chart paths; a config that names no manifests deploys every input): release manifests beside it that pin published images are not compared; images pinned by digest and images unlike every artifact (public images such as nats-streaming or confluentinc/cp-kafka) are not reported.",
        fix:
            "Make the workload's `image:` equal the artifact's `image:` (a tag may differ), or add a build artifact for it."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        guard let analysis = SkaffoldImages(graph) else { return [] }
        var findings: [Diagnostic] = []
        for use in analysis.uses where !analysis.artifactKeys.contains(use.key) && !use.image.contains("@sha256:") {
            let object = use.workload.object
            let span = object.span(use.node)
            let container = use.container.name.map { " (container \($0))" } ?? ""
            let subject = "\(object.title)\(container) uses image \(use.image), which no skaffold artifact builds"
            if let near = analysis.similarArtifact(to: use.key), let (config, artifact) = analysis.artifact(near) {
                findings.append(
                    info.diagnostic(
                        "\(subject); it is a near-miss of artifact \(artifact.image), so the cluster pulls \(use.key) from a registry instead of the local build",
                        at: span, object: object,
                        notes: [
                            DiagnosticNote(
                                "skaffold builds \(artifact.image) here (and no deployed workload uses it)",
                                at: config.object.span(artifact.imageNode))
                        ],
                        fix: SuggestedFix(
                            "did you mean `\(artifact.image)`?", replacing: span, with: artifact.image,
                            applicability: .maybeIncorrect)))
            } else if let prefix = SkaffoldImages.repository(of: use.key),
                let (config, artifact) = analysis.artifacts.first(where: {
                    SkaffoldImages.repository(of: SkaffoldConfig.imageKey($0.1.image)) == prefix
                })
            {
                findings.append(
                    info.diagnostic(
                        "\(subject), although skaffold builds the other \(prefix)/… images; it will be pulled from a registry instead of built locally",
                        at: span, object: object,
                        notes: [
                            DiagnosticNote(
                                "skaffold builds \(artifact.image) here", at: config.object.span(artifact.imageNode))
                        ],
                        fix: SuggestedFix(
                            "add a skaffold build artifact `image: \(use.key)`, or use the image of an existing artifact"
                        )))
            }
        }
        return findings
    }
}

/// An artifact nothing deploys is built for nothing, or a sign that its users misspell it.
struct SkaffoldArtifactUnusedRule: Rule {
    let info = RuleInfo(
        id: .skaffoldArtifactUnused,
        summary: "Every skaffold artifact is used by a workload skaffold deploys",
        why:
            "An artifact whose image no deployed workload names is built on every `skaffold dev` iteration and never runs: usually the workload names another image, or the artifact is left over. A warning, not an error: a wasted build does not break the deploy (the workloads run the images they name). When a deployed workload's image is a near-miss of the artifact, the error is reported there (skaffold-image) instead; artifacts other artifacts require (base images) or that skaffold runs itself (the containers of `verify` tests and `customActions`) are not reported, nor those of a config that deploys through kustomize paths or helm releases (their workloads are in rendered output, checked on its own).",
        fix: "Reference the artifact's image from the workload that should run it, or remove the artifact.",
        defaultSeverity: .warning
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        guard let analysis = SkaffoldImages(graph) else { return [] }
        let used = Set(analysis.uses.map(\.key))
        // A near-miss is one root cause: the workload image carries the error.
        let explained = Set(
            analysis.uses.filter { !analysis.artifactKeys.contains($0.key) }.compactMap {
                analysis.similarArtifact(to: $0.key)
            })
        // `verify` tests and custom actions run artifacts as skaffold's own containers.
        let runBySkaffold = Set(
            graph.skaffoldConfigs.flatMap(\.containerImages).map(SkaffoldConfig.imageKey))
        var findings: [Diagnostic] = []
        // A config that deploys through kustomize or helm runs its images from rendered output,
        // which is checked as a graph of its own: its artifacts' users are not in this one.
        for (config, artifact) in analysis.artifacts where !config.rendersManifests {
            let key = SkaffoldConfig.imageKey(artifact.image)
            guard !used.contains(key), !explained.contains(key), !analysis.requiredImages.contains(key),
                !runBySkaffold.contains(key)
            else {
                continue
            }
            findings.append(
                info.diagnostic(
                    "artifact \(artifact.image) is built, but no workload skaffold deploys uses image \(key)",
                    at: config.object.span(artifact.imageNode), object: config.object,
                    fix: SuggestedFix("reference \(key) from a workload's `image:`, or remove the artifact")))
        }
        return findings
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
