import KubeDiagnostics
import KubeModel

extension RuleInfo {
    /// Skaffold replaces a manifest image only when its name (minus tag and
    /// digest) equals an artifact's `image` exactly; anything else is pulled.
    /// Public images are pulled on purpose, so an unbuilt image is reported only
    /// with evidence that it was meant to be built: it is a near-miss of an
    /// artifact image, or it shares an artifact's repository prefix.
    ///
    /// Reported by `SkaffoldImagePass` (Passes/SkaffoldImagePass.swift).
    static let skaffoldImage = RuleInfo(
        id: .skaffoldImage,
        summary:
            "Workload images that look like skaffold's own (a near-miss of an artifact, or the same repository prefix) are built by an artifact",
        why:
            "Skaffold substitutes the built tag only into manifest images whose name equals an artifact's `image` exactly (tag and digest ignored, no registry normalisation). An image that misses an artifact by a typo, or another image under the same repository as the artifacts, is pulled from a registry instead (ErrImagePull, or an old image). Only workloads in files skaffold deploys count (its raw manifests globs, and files under its kustomize paths and chart paths; a config that names no manifests deploys every input): release manifests beside it that pin published images are not compared; images pinned by digest and images unlike every artifact (public images such as nats-streaming or confluentinc/cp-kafka) are not reported.",
        fix:
            "Make the workload's `image:` equal the artifact's `image:` (a tag may differ), or add a build artifact for it."
    )
}

/// skaffold-image's findings from the pass's one analysis.
struct SkaffoldImageRule {
    let info: RuleInfo = .skaffoldImage

    func check(_ analysis: SkaffoldImages) -> [Diagnostic] {
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
