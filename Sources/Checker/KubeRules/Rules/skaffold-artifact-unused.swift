import KubeDiagnostics
import KubeModel

extension RuleInfo {
    /// An artifact nothing deploys is built for nothing, or a sign that its users misspell it.
    ///
    /// Reported by `SkaffoldImagePass` (Passes/SkaffoldImagePass.swift).
    static let skaffoldArtifactUnused = RuleInfo(
        id: .skaffoldArtifactUnused,
        summary: "Every skaffold artifact is used by a workload skaffold deploys",
        why:
            "An artifact whose image no deployed workload names is built on every `skaffold dev` iteration and never runs: usually the workload names another image, or the artifact is left over. A warning, not an error: a wasted build does not break the deploy (the workloads run the images they name). When a deployed workload's image is a near-miss of the artifact, the error is reported there (skaffold-image) instead; artifacts other artifacts require (base images) or that skaffold runs itself (the containers of `verify` tests and `customActions`) are not reported, nor those of a config that deploys through kustomize paths or helm releases (their workloads are in rendered output, checked on its own).",
        fix: "Reference the artifact's image from the workload that should run it, or remove the artifact.",
        defaultSeverity: .warning
    )
}

/// skaffold-artifact-unused's findings from the pass's one analysis.
struct SkaffoldArtifactUnusedRule {
    let info: RuleInfo = .skaffoldArtifactUnused

    func check(_ analysis: SkaffoldImages, in graph: ManifestGraph) -> [Diagnostic] {
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
