import KubeDiagnostics
import KubeModel
import KubeYAML

/// Names the API requires to be unique inside a pod.
struct DuplicateNameRule: Rule {
    let info = RuleInfo(
        id: "duplicate-name",
        summary:
            "Container names (containers and initContainers), volume names and a container's mount paths are unique",
        why:
            "The API server rejects a pod whose containers and init containers share a name (validation.go validateContainers / validateInitContainers: `Duplicate value`), whose volumes share a name (ValidateVolumes), or a container that mounts two volumes at the same path (validateVolumeMounts: `must be unique`).",
        fix: "Rename one of the two (and every reference to it), or remove the duplicate."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for workload in graph.workloads {
            let object = workload.object
            var containers: [String: YAMLNode] = [:]
            for container in workload.template.containers {
                guard let node = container.node["name"], let name = node.string, !name.isEmpty else { continue }
                if let earlier = containers[name] {
                    findings.append(
                        duplicate(
                            "two containers of \(object.kind) \(object.name) are named \(name); container and init container names must be unique in a pod",
                            node, earlier: earlier, object: object))
                } else {
                    containers[name] = node
                }
                var paths: [String: YAMLNode] = [:]
                for mount in container.node["volumeMounts"]?.items ?? [] {
                    guard let node = mount["mountPath"], let path = node.string, !path.isEmpty else { continue }
                    if let earlier = paths[path] {
                        findings.append(
                            duplicate(
                                "container \(name) mounts two volumes at \(path); mount paths must be unique in a container",
                                node, earlier: earlier, object: object))
                    } else {
                        paths[path] = node
                    }
                }
            }
            var volumes: [String: YAMLNode] = [:]
            for volume in workload.template.specNode?["volumes"]?.items ?? [] {
                guard let node = volume["name"], let name = node.string, !name.isEmpty else { continue }
                if let earlier = volumes[name] {
                    findings.append(
                        duplicate(
                            "two volumes of \(object.kind) \(object.name) are named \(name); volume names must be unique in a pod",
                            node, earlier: earlier, object: object))
                } else {
                    volumes[name] = node
                }
            }
        }
        return findings
    }

    private func duplicate(_ message: String, _ node: YAMLNode, earlier: YAMLNode, object: ManifestObject)
        -> Diagnostic
    {
        info.diagnostic(
            message, at: object.span(node), object: object,
            notes: [DiagnosticNote("first used here", at: object.span(earlier))],
            fix: SuggestedFix("rename or remove one of them"))
    }
}
