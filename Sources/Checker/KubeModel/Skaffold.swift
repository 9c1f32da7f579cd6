import Foundation
import KubeYAML

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

public struct SkaffoldArtifact: Sendable {
    public var image: String
    public var imageNode: YAMLNode
    /// Relative to the skaffold.yaml's directory; default `.`.
    public var context: String
    public var contextNode: YAMLNode?
    /// Relative to the context; default `Dockerfile`.
    public var dockerfile: String
    public var dockerfileNode: YAMLNode?
    public var buildArgs: [String: String]
    public var node: YAMLNode
}

/// A skaffold `Config` (any schema version).
public struct SkaffoldConfig: Sendable {
    public var object: ManifestObject
    public var artifacts: [SkaffoldArtifact]
    /// `manifests.rawYaml` (v3+) or `deploy.kubectl.manifests` (v1/v2).
    public var manifestGlobs: [String]
    /// Folders skaffold renders with kustomize (`manifests.kustomize.paths`, or `deploy.kustomize.paths`).
    public var kustomizePaths: [String]
    /// Charts skaffold deploys with helm (`releases[].chartPath` under `manifests.helm` or `deploy.helm`).
    public var helmChartPaths: [String]
    /// Images skaffold runs itself, outside the deployed workloads: the containers of
    /// `verify` tests and of `customActions` (`skaffold verify`, `skaffold exec`).
    public var containerImages: [String]

    public init?(object: ManifestObject) {
        guard object.kind == "Config", object.apiVersion.hasPrefix("skaffold/") else { return nil }
        self.object = object
        artifacts = (object.root["build"]?["artifacts"]?.items ?? []).compactMap { item in
            guard let imageNode = item["image"], let image = imageNode.scalar else { return nil }
            var buildArgs: [String: String] = [:]
            for pair in item["docker"]?["buildArgs"]?.pairs ?? [] {
                if let key = pair.key.scalar { buildArgs[key] = pair.value.scalar ?? "" }
            }
            return SkaffoldArtifact(
                image: image, imageNode: imageNode, context: item["context"]?.scalar ?? ".",
                contextNode: item["context"], dockerfile: item["docker"]?["dockerfile"]?.scalar ?? "Dockerfile",
                dockerfileNode: item["docker"]?["dockerfile"], buildArgs: buildArgs, node: item)
        }
        let globs = object.root["manifests"]?["rawYaml"] ?? object.root["deploy"]?["kubectl"]?["manifests"]
        manifestGlobs = (globs?.items ?? []).compactMap(\.scalar)
        let root = object.root
        kustomizePaths = ((root["manifests"]?["kustomize"] ?? root["deploy"]?["kustomize"])?["paths"]?.items ?? [])
            .compactMap(\.scalar)
        helmChartPaths = ((root["manifests"]?["helm"] ?? root["deploy"]?["helm"])?["releases"]?.items ?? [])
            .compactMap { $0["chartPath"]?.scalar }
        let verifyImages = (root["verify"]?.items ?? []).compactMap { $0["container"]?["image"]?.scalar }
        let actionImages = (root["customActions"]?.items ?? []).flatMap { action in
            (action["containers"]?.items ?? []).compactMap { $0["image"]?.scalar }
        }
        containerImages = verifyImages + actionImages
    }

    /// Whether the config renders manifests with kustomize or helm: the workloads it deploys are
    /// then in rendered output, not among the plain files beside it.
    public var rendersManifests: Bool { !kustomizePaths.isEmpty || !helmChartPaths.isEmpty }

    /// Whether skaffold deploys the manifest `file`: matched by a raw manifests glob, or inside a
    /// kustomize path or chart folder, each resolved from the config's folder. A config that names
    /// no manifests at all is taken to deploy every input.
    public func deploys(_ file: String) -> Bool {
        if manifestGlobs.isEmpty && !rendersManifests { return true }
        return matchesManifestGlob(file)
            || (kustomizePaths + helmChartPaths).contains { folder in
                let prefix = resolve(folder)
                let path = Self.absolute(file)
                return path == prefix || path.hasPrefix(prefix.hasSuffix("/") ? prefix : prefix + "/")
            }
    }

    /// Whether one of the config's raw manifests globs matches `file` (these files are applied together).
    public func matchesManifestGlob(_ file: String) -> Bool {
        guard !manifestGlobs.isEmpty else { return false }
        let path = Self.absolute(file)
        return manifestGlobs.contains { glob in
            let pattern = resolve(glob)
            return fnmatch(pattern, path, 0) == 0
                || fnmatch(pattern.replacingOccurrences(of: "/**/", with: "/"), path, 0) == 0
        }
    }

    private func resolve(_ path: String) -> String {
        let base = (Self.absolute(object.file) as NSString).deletingLastPathComponent
        return ((path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)) as NSString)
            .standardizingPath
    }

    private static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (full as NSString).standardizingPath
    }

    /// The image name skaffold compares: as written, minus tag and digest.
    public static func imageKey(_ image: String) -> String {
        var name = Substring(image)
        if let at = name.firstIndex(of: "@") { name = name[..<at] }
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") { name = name[..<colon] }
        return name.lowercased()
    }
}
