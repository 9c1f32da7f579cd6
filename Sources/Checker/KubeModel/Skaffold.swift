import KubeYAML

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
    }

    /// The image name skaffold compares: as written, minus tag and digest.
    public static func imageKey(_ image: String) -> String {
        var name = Substring(image)
        if let at = name.firstIndex(of: "@") { name = name[..<at] }
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") { name = name[..<colon] }
        return name.lowercased()
    }
}
