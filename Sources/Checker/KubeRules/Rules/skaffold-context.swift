import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

/// Artifact build contexts and Dockerfiles resolved on disk, relative to the
/// skaffold.yaml that names them.
struct SkaffoldContextRule: Rule {
    let info = RuleInfo(
        id: .skaffoldContext,
        summary: "Skaffold artifact contexts and Dockerfiles exist",
        why:
            "`skaffold dev` stops before building anything when an artifact's context directory or Dockerfile (context + docker.dockerfile, default Dockerfile, relative to skaffold.yaml's folder) is missing.",
        fix:
            "Point `context` at the service's folder relative to skaffold.yaml, and `docker.dockerfile` at its Dockerfile relative to the context."
    )

    /// Builders that do not use a Dockerfile.
    private static let otherBuilders = [
        "jib", "bazel", "buildpacks", "ko", "custom", "kaniko", "cluster",
    ]

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for config in graph.skaffoldConfigs {
            let object = config.object
            let base = (object.file as NSString).deletingLastPathComponent
            for artifact in config.artifacts {
                let contextPath = Self.resolve(artifact.context, against: base)
                guard context.fileExists(contextPath) else {
                    let span = object.span(artifact.contextNode ?? artifact.imageNode)
                    findings.append(
                        info.diagnostic(
                            "artifact \(artifact.image): build context `\(artifact.context)` does not exist (looked for \(contextPath))",
                            at: span, object: object, fix: contextFix(artifact, contextPath, span: span)))
                    continue
                }
                if Self.otherBuilders.contains(where: { artifact.node[$0] != nil }) { continue }
                let dockerfilePath = Self.resolve(artifact.dockerfile, against: contextPath)
                guard !context.fileExists(dockerfilePath) else { continue }
                let span = object.span(
                    artifact.dockerfileNode ?? artifact.contextNode ?? artifact.imageNode)
                var fix = SuggestedFix(
                    "add \(artifact.dockerfile) to \(artifact.context), or set `docker.dockerfile` to the Dockerfile's path relative to the context"
                )
                let candidates = ["Dockerfile", "Dockerfile.dev", "dockerfile", "Containerfile"]
                if let found = candidates.first(where: {
                    $0 != artifact.dockerfile && context.fileExists(Self.resolve($0, against: contextPath))
                }) {
                    if let node = artifact.dockerfileNode {
                        fix = SuggestedFix(
                            "did you mean `\(found)`?", replacing: object.span(node), with: found,
                            applicability: .maybeIncorrect)
                    } else {
                        fix = SuggestedFix("the context has \(found): set `docker: {dockerfile: \(found)}`")
                    }
                }
                findings.append(
                    info.diagnostic(
                        "artifact \(artifact.image): Dockerfile `\(artifact.dockerfile)` does not exist in context `\(artifact.context)` (looked for \(dockerfilePath))",
                        at: span, object: object, fix: fix))
            }
        }
        return findings
    }

    /// A sibling folder of the missing context with a near name (`querys` → `query`), else the general advice.
    private func contextFix(_ artifact: SkaffoldArtifact, _ contextPath: String, span: SourceSpan) -> SuggestedFix {
        let general = SuggestedFix("set `context` to the artifact's folder, relative to skaffold.yaml")
        guard artifact.contextNode != nil else { return general }
        let parent = (contextPath as NSString).deletingLastPathComponent
        let name = (contextPath as NSString).lastPathComponent
        let siblings = ((try? FileManager.default.contentsOfDirectory(atPath: parent.isEmpty ? "." : parent)) ?? [])
            .filter { entry in
                var isDirectory: ObjCBool = false
                let path = (parent as NSString).appendingPathComponent(entry)
                return !entry.hasPrefix(".") && FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                    && isDirectory.boolValue
            }.sorted()
        guard let near = NearName.inputName.nearest(name, in: siblings) else { return general }
        let replacement = (artifact.context as NSString).deletingLastPathComponent
        let fixed = replacement.isEmpty ? near : (replacement as NSString).appendingPathComponent(near)
        return SuggestedFix("did you mean `\(fixed)`?", replacing: span, with: fixed, applicability: .maybeIncorrect)
    }

    /// `path` relative to `base` (skaffold resolves against skaffold.yaml's folder), unless absolute.
    static func resolve(_ path: String, against base: String) -> String {
        if path.hasPrefix("/") { return path }
        if base.isEmpty { return path }
        return (base as NSString).appendingPathComponent(path)
    }
}
