import KubeDiagnostics
import KubeModel
import KubeYAML

/// Skaffold replaces a manifest image only when its name (minus tag and
/// digest) equals an artifact's `image` exactly. Anything else is pulled.
struct SkaffoldImageRule: Rule {
    let info = RuleInfo(
        id: "skaffold-image",
        summary:
            "Every skaffold artifact is used by a workload, and every workload image is built by an artifact",
        why:
            "Skaffold substitutes the built tag only into manifest images whose name equals an artifact's `image` exactly (tag and digest ignored, no registry normalisation). A workload image that no artifact builds is pulled from a registry instead (ErrImagePull, or an old image), and an artifact no workload uses is built for nothing. Not flagged as unbuilt: images pinned by digest (skaffold leaves them alone), registry-qualified images such as docker.io/… or ghcr.io/… (a `.`, `:` or `localhost` in the first path component) unless they are a near-miss of an artifact image, and well-known official library images (nginx, redis, postgres, busybox, …). When the inputs contain no workload at all, nothing is reported.",
        fix:
            "Make the workload's `image:` equal the artifact's `image:` (a tag may differ), or add a build artifact for it; remove artifacts nothing deploys."
    )

    /// Docker Official Images commonly deployed next to built services.
    static let libraryImages: Set<String> = [
        "nginx", "redis", "postgres", "mysql", "mariadb", "mongo", "busybox", "alpine", "ubuntu",
        "debian",
        "node", "python", "golang", "rabbitmq", "nats", "memcached", "httpd", "traefik", "haproxy",
        "consul",
        "vault", "elasticsearch", "kibana", "zookeeper", "cassandra", "influxdb", "telegraf",
        "registry",
        "swift", "openjdk", "eclipse-temurin", "ruby", "php", "caddy", "minio", "kafka", "bash",
        "centos",
        "fedora", "amazonlinux", "couchdb", "neo4j", "sonarqube", "jenkins", "wordpress", "ghost",
        "adminer",
    ]

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        let artifacts = graph.skaffoldConfigs.flatMap { config in config.artifacts.map { (config, $0) }
        }
        guard !graph.skaffoldConfigs.isEmpty, !graph.workloads.isEmpty else { return [] }
        var findings: [Diagnostic] = []

        struct Use {
            var workload: Workload
            var container: Container
            var image: String
            var node: YAMLNode
        }
        var uses: [Use] = []
        for workload in graph.workloads {
            for container in workload.template.containers {
                guard let node = container.imageNode, let image = node.string, !image.isEmpty else {
                    continue
                }
                uses.append(Use(workload: workload, container: container, image: image, node: node))
            }
        }
        let artifactKeys = Set(artifacts.map { SkaffoldConfig.imageKey($0.1.image) })
        let usedKeys = Set(uses.map { SkaffoldConfig.imageKey($0.image) })

        for (config, artifact) in artifacts
        where !usedKeys.contains(SkaffoldConfig.imageKey(artifact.image)) {
            let span = config.object.span(artifact.imageNode)
            let near = similar(SkaffoldConfig.imageKey(artifact.image), in: usedKeys)
            var notes: [DiagnosticNote] = []
            if let near, let use = uses.first(where: { SkaffoldConfig.imageKey($0.image) == near }) {
                notes.append(
                    DiagnosticNote(
                        "\(use.workload.object.kind) \(use.workload.object.name) uses the similar image \(use.image) here",
                        at: use.workload.object.span(use.node)))
            }
            findings.append(
                info.diagnostic(
                    "artifact \(artifact.image) is built but no workload uses it; skaffold substitutes only images whose name equals \(SkaffoldConfig.imageKey(artifact.image)) exactly",
                    at: span, object: config.object, notes: notes,
                    fix: SuggestedFix(
                        near.map {
                            "did you mean `\($0)`? make the artifact image and the workload image the same"
                        }
                            ?? "remove the artifact or reference it from a workload's `image:`"),
                    severity: .warning))
        }

        for use in uses {
            let key = SkaffoldConfig.imageKey(use.image)
            guard !artifactKeys.contains(key), !use.image.contains("@sha256:") else { continue }
            let near = similar(key, in: artifactKeys)
            if near == nil && isPublic(use.image) { continue }
            let object = use.workload.object
            let span = object.span(use.node)
            var notes: [DiagnosticNote] = []
            var fix = SuggestedFix(
                "add a skaffold build artifact `image: \(key)` or use an image a registry actually serves")
            if let near,
                let (config, artifact) = artifacts.first(where: {
                    SkaffoldConfig.imageKey($0.1.image) == near
                })
            {
                notes.append(
                    DiagnosticNote(
                        "skaffold builds \(artifact.image) here", at: config.object.span(artifact.imageNode)))
                fix = SuggestedFix(
                    "did you mean `\(artifact.image)`?", replacing: span, with: artifact.image)
            }
            let container = use.container.name.map { " (container \($0))" } ?? ""
            findings.append(
                info.diagnostic(
                    "\(object.kind) \(object.name)\(container) uses image \(use.image), which no skaffold artifact builds; it will be pulled from a registry instead of the local build",
                    at: span, object: object, notes: notes, fix: fix))
        }
        return findings
    }

    /// A likely intended name: a near typo, or the same last path component
    /// under another repository (`someone/posts` for `posts`: no normalisation).
    private func similar(_ key: String, in candidates: Set<String>) -> String? {
        if let typo = nearest(key, in: candidates.sorted()) { return typo }
        let last = key.split(separator: "/").last.map(String.init) ?? key
        return candidates.sorted().first {
            $0 != key && ($0.split(separator: "/").last.map(String.init) ?? $0) == last
        }
    }

    /// Registry-qualified or a well-known official library image.
    private func isPublic(_ image: String) -> Bool {
        let key = SkaffoldConfig.imageKey(image)
        let components = key.split(separator: "/")
        if components.count > 1, let first = components.first,
            first.contains(".") || first.contains(":") || first == "localhost"
        {
            return true
        }
        if components.count == 1 { return Self.libraryImages.contains(key) }
        if components.count == 2, components[0] == "library" {
            return Self.libraryImages.contains(String(components[1]))
        }
        return false
    }
}
