import Foundation
import KubeYAML

/// The parts of a kustomization file kubewire needs: the paths it uses (so they are never checked as
/// objects alone) and its patches (to find the line a patch set). Kustomize itself does the build.
struct KustomizationFile {
    /// Entries that are paths, relative to the kustomization's folder.
    var paths: [String] = []
    /// Patch files (`patches[].path`, `patchesStrategicMerge`, `patchesJson6902[].path`).
    var patchFiles: [String] = []
    /// Patches written inline as literal blocks (`patches[].patch: |`, inline `patchesStrategicMerge`).
    var inlinePatches: [YAMLNode] = []
    /// Generator entries by the name they give (`configMapGenerator`/`secretGenerator`), at their `name` node.
    var generators: [(kind: String, name: String, node: YAMLNode, literals: [YAMLNode])] = []
    var root: YAMLNode?

    /// `kind: Component` (kustomize.config.k8s.io/v1alpha1): a reusable piece, not buildable alone.
    var isComponent: Bool { root?["kind"]?.scalar == "Component" }

    static func load(path: String) -> KustomizationFile {
        let loaded = YAMLLoader.load(path: path)
        guard let root = loaded.documents.first?.root, root.isMapping else { return KustomizationFile() }
        var file = KustomizationFile(root: root)
        func strings(_ key: String) -> [String] {
            (root[key]?.items ?? []).compactMap { $0.isScalar ? $0.scalar : nil }
        }
        for key in [
            "resources", "bases", "components", "crds", "configurations", "transformers", "generators", "validators",
        ] {
            file.paths += strings(key)
        }
        for patch in root["patches"]?.items ?? [] {
            if let path = patch["path"]?.scalar { file.patchFiles.append(path) }
            if let inline = patch["patch"], inline.style == .literal { file.inlinePatches.append(inline) }
        }
        for patch in root["patchesStrategicMerge"]?.items ?? [] where patch.style == .literal {
            file.inlinePatches.append(patch)
        }
        for patch in root["patchesJson6902"]?.items ?? [] {
            if let path = patch["path"]?.scalar { file.patchFiles.append(path) }
        }
        // patchesStrategicMerge entries are paths or inline patches; only single-line ones are paths.
        file.patchFiles += strings("patchesStrategicMerge").filter { !$0.contains("\n") && !$0.contains(":") }
        file.paths += file.patchFiles
        for replacement in root["replacements"]?.items ?? [] {
            if let path = replacement["path"]?.scalar { file.paths.append(path) }
        }
        if let path = root["openapi"]?["path"]?.scalar { file.paths.append(path) }
        for (key, kind) in [("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")] {
            for generator in root[key]?.items ?? [] where generator.isMapping {
                for entry in generator["files"]?.items ?? [] {
                    // `key=path` or `path`.
                    if let text = entry.scalar {
                        file.paths.append(String(text.split(separator: "=", maxSplits: 1).last ?? ""))
                    }
                }
                for entry in generator["envs"]?.items ?? [] { if let text = entry.scalar { file.paths.append(text) } }
                if let env = generator["env"]?.scalar { file.paths.append(env) }
                if let nameNode = generator["name"], let name = nameNode.scalar {
                    file.generators.append((kind, name, nameNode, generator["literals"]?.items ?? []))
                }
            }
        }
        return file
    }

    /// The local paths it uses, joined to `folder`; remote resources (URLs, `github.com/…`) left out.
    func localReferences(in folder: String) -> [String] {
        paths.filter { !$0.isEmpty && !Self.isRemote($0) }.map { folder + "/" + $0 }
    }

    static func isRemote(_ path: String) -> Bool {
        path.contains("://") || path.hasPrefix("github.com/") || path.hasPrefix("git@") || path.contains("?ref=")
    }
}
