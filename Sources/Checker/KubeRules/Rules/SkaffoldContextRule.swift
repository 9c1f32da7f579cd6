import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Artifact build contexts, Dockerfiles and manifest globs resolved on disk,
/// relative to the skaffold.yaml that names them.
struct SkaffoldContextRule: Rule {
    let info = RuleInfo(
        id: "skaffold-context",
        summary: "Skaffold artifact contexts and Dockerfiles exist, and manifest globs match files",
        why:
            "`skaffold dev` stops before building anything when an artifact's context directory or Dockerfile (context + docker.dockerfile, default Dockerfile, relative to skaffold.yaml's folder) is missing; a manifests glob (manifests.rawYaml, or deploy.kubectl.manifests in v2 schemas) that matches no file deploys nothing for it.",
        fix:
            "Point `context` at the service's folder relative to skaffold.yaml, `docker.dockerfile` at its Dockerfile relative to the context, and fix or remove globs that match nothing."
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
                let contextPath = resolve(artifact.context, against: base)
                guard context.fileExists(contextPath) else {
                    let span = object.span(artifact.contextNode ?? artifact.imageNode)
                    findings.append(
                        info.diagnostic(
                            "artifact \(artifact.image): build context \(artifact.context) does not exist (looked for \(contextPath))",
                            at: span, object: object,
                            fix: SuggestedFix("set `context` to the artifact's folder, relative to skaffold.yaml")
                        ))
                    continue
                }
                if Self.otherBuilders.contains(where: { artifact.node[$0] != nil }) { continue }
                let dockerfilePath = resolve(artifact.dockerfile, against: contextPath)
                guard !context.fileExists(dockerfilePath) else { continue }
                let span = object.span(
                    artifact.dockerfileNode ?? artifact.contextNode ?? artifact.imageNode)
                var fix = SuggestedFix(
                    "add \(artifact.dockerfile) to \(artifact.context), or set `docker.dockerfile` to the Dockerfile's path relative to the context"
                )
                let candidates = ["Dockerfile", "Dockerfile.dev", "dockerfile", "Containerfile"]
                if let found = candidates.first(where: {
                    $0 != artifact.dockerfile && context.fileExists(resolve($0, against: contextPath))
                }) {
                    if let node = artifact.dockerfileNode {
                        fix = SuggestedFix(
                            "did you mean `\(found)`?", replacing: object.span(node), with: found)
                    } else {
                        fix = SuggestedFix("the context has \(found): set `docker: {dockerfile: \(found)}`")
                    }
                }
                findings.append(
                    info.diagnostic(
                        "artifact \(artifact.image): Dockerfile \(artifact.dockerfile) does not exist in context \(artifact.context) (looked for \(dockerfilePath))",
                        at: span, object: object, fix: fix))
            }
            for node in manifestGlobNodes(config) {
                guard let pattern = node.string, !pattern.isEmpty else { continue }
                if Self.hasMatch(resolve(pattern, against: base), fileExists: context.fileExists) {
                    continue
                }
                findings.append(
                    info.diagnostic(
                        "manifests glob \(pattern) matches no file (relative to \(base.isEmpty ? "." : base)); nothing is deployed for it",
                        at: object.span(node), object: object,
                        fix: SuggestedFix("fix the glob (relative to skaffold.yaml) or remove it"),
                        severity: .warning))
            }
        }
        return findings
    }

    private func resolve(_ path: String, against base: String) -> String {
        if path.hasPrefix("/") { return path }
        if base.isEmpty { return path }
        return (base as NSString).appendingPathComponent(path)
    }

    /// `manifests.rawYaml` (v3+) or `deploy.kubectl.manifests` (v1/v2), with nodes.
    private func manifestGlobNodes(_ config: SkaffoldConfig) -> [YAMLNode] {
        let root = config.object.root
        let globs = root["manifests"]?["rawYaml"] ?? root["deploy"]?["kubectl"]?["manifests"]
        return globs?.items ?? []
    }

    // MARK: - globbing (skaffold: doublestar-style `*`, `?`, `[...]`, `**`)

    private static func isPattern(_ component: Substring) -> Bool {
        component.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    static func hasMatch(_ pattern: String, fileExists: (String) -> Bool) -> Bool {
        let absolute = pattern.hasPrefix("/")
        let components = pattern.split(separator: "/", omittingEmptySubsequences: true)
        guard components.contains(where: isPattern) else { return fileExists(pattern) }
        // The literal leading part is checked with fileExists; the rest is walked.
        var base = absolute ? "/" : "."
        var rest = components[...]
        while let first = rest.first, !isPattern(first) {
            base = (base as NSString).appendingPathComponent(String(first))
            rest = rest.dropFirst()
        }
        guard fileExists(base) else { return false }
        return walk(base, Array(rest), depth: 0)
    }

    private static func walk(_ directory: String, _ components: [Substring], depth: Int) -> Bool {
        guard depth < 32, let first = components.first else { return true }
        let rest = Array(components.dropFirst())
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        if first == "**" {
            if walk(directory, rest, depth: depth + 1) { return true }
            for entry in entries where !entry.hasPrefix(".") {
                let child = (directory as NSString).appendingPathComponent(entry)
                if isDirectory(child), walk(child, components, depth: depth + 1) { return true }
            }
            return false
        }
        for entry in entries where fnmatch(String(first), entry, FNM_PERIOD) == 0 {
            let child = (directory as NSString).appendingPathComponent(entry)
            if rest.isEmpty {
                if !isDirectory(child) { return true }
            } else if isDirectory(child), walk(child, rest, depth: depth + 1) {
                return true
            }
        }
        return false
    }

    private static func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }
}
