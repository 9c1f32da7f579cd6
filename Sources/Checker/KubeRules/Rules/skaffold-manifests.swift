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

/// Skaffold manifest globs (`manifests.rawYaml`, or `deploy.kubectl.manifests`
/// in v1/v2 schemas) resolved on disk, relative to skaffold.yaml.
struct SkaffoldManifestsRule: Rule {
    let info = RuleInfo(
        id: .skaffoldManifests,
        summary: "Skaffold manifest globs match files",
        why:
            "A manifests glob (manifests.rawYaml, or deploy.kubectl.manifests in v2 schemas) that matches no file deploys nothing for it, without an error from skaffold. A config kept in a subfolder is often run as `skaffold -f sub/skaffold.yaml` from a folder above it, whose paths it then names: a glob matching from any folder above skaffold.yaml is not reported, nor one whose file is generated from a template beside it (`x.yaml` from `x.yaml.tpl`, `.tmpl`, `.template` or `.in`, by a script that runs before skaffold).",
        fix: "Fix the glob (relative to skaffold.yaml's folder) or remove it.",
        defaultSeverity: .warning
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for config in graph.skaffoldConfigs {
            let object = config.object
            let base = (object.file as NSString).deletingLastPathComponent
            for node in manifestGlobNodes(config) {
                guard let pattern = node.string, !pattern.isEmpty else { continue }
                if Self.matchesFromSomeFolder(pattern, base: base, fileExists: context.fileExists) { continue }
                // A file generated from a template beside it (`envsubst < x.yaml.tpl > x.yaml`) before skaffold runs.
                if Self.templateSuffixes.contains(where: {
                    Self.matchesFromSomeFolder(pattern + $0, base: base, fileExists: context.fileExists)
                }) {
                    continue
                }
                findings.append(
                    info.diagnostic(
                        "manifests glob \(pattern) matches no file (relative to \(base.isEmpty ? "." : base)); nothing is deployed for it",
                        at: object.span(node), object: object,
                        fix: SuggestedFix("fix the glob (relative to skaffold.yaml) or remove it")))
            }
        }
        return findings
    }

    /// Suffixes of templates a manifest is generated from (envsubst, gomplate, autoconf).
    static let templateSuffixes = [".tpl", ".tmpl", ".template", ".in"]

    /// Whether the glob matches relative to skaffold.yaml's folder or to one of the folders above it.
    private static func matchesFromSomeFolder(_ pattern: String, base: String, fileExists: (String) -> Bool)
        -> Bool
    {
        var folder = base
        for _ in 0..<8 {
            if hasMatch(SkaffoldContextRule.resolve(pattern, against: folder), fileExists: fileExists) { return true }
            if pattern.hasPrefix("/") || folder.isEmpty || folder == "/" || folder == "." { return false }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return false
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
