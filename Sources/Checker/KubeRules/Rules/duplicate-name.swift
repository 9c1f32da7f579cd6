import KubeDiagnostics
import KubeModel
import KubeYAML

/// Names the API requires to be unique inside a pod.
struct DuplicateNameRule: Rule {
    let info = RuleInfo(
        id: .duplicateName,
        summary:
            "Container names (containers and initContainers), volume names, a container's mount paths and topology spread constraints are unique",
        why:
            "The API server rejects a pod whose containers and init containers share a name (validation.go validateContainers / validateInitContainers: `Duplicate value`), whose volumes share a name (ValidateVolumes), a container that mounts two volumes at the same path (validateVolumeMounts: `must be unique`), or two topologySpreadConstraints with the same topologyKey and whenUnsatisfiable (ValidateSpreadConstraintNotRepeat: `Duplicate value`).",
        fix: "Rename one of the two (and every reference to it), or remove the duplicate."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for workload in graph.workloads {
            let object = workload.object
            // Container names are read from the `name` nodes: distinct ones (nearly always) need no
            // table, and a container with at most one mount needs its node only for the table.
            let namesRepeat = !hasDistinctNames(workload.template.containers)
            var containers: [String: YAMLNode] = [:]
            for container in workload.template.containers {
                guard container.name != nil else { continue }
                let mounts = container.node["volumeMounts"]?.items ?? []
                guard namesRepeat || mounts.count > 1 else { continue }
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
                for mount in mounts {
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
            // One constraint per topologyKey and whenUnsatisfiable; the same key with the other action is allowed.
            var constraints: [String: YAMLNode] = [:]
            for constraint in workload.template.specNode?["topologySpreadConstraints"]?.items ?? [] {
                guard let node = constraint["topologyKey"], let key = node.string, !key.isEmpty,
                    let action = constraint["whenUnsatisfiable"]?.string, !action.isEmpty
                else { continue }
                let pair = key + "\u{0}" + action
                if let earlier = constraints[pair] {
                    findings.append(
                        duplicate(
                            "two topologySpreadConstraints of \(object.kind) \(object.name) spread over \(key) with whenUnsatisfiable \(action); the API server allows one constraint per topologyKey and whenUnsatisfiable",
                            node, earlier: earlier, object: object,
                            fix: "keep one of the two constraints (the scheduler applies both to the same domains)"))
                } else {
                    constraints[pair] = node
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

    private func duplicate(
        _ message: String, _ node: YAMLNode, earlier: YAMLNode, object: ManifestObject,
        fix: String = "rename or remove one of them"
    ) -> Diagnostic {
        info.diagnostic(
            message, at: object.span(node), object: object,
            notes: [DiagnosticNote("first used here", at: object.span(earlier))], fix: SuggestedFix(fix))
    }

    /// Whether no two containers have the same name (pairwise: a pod has a handful).
    private func hasDistinctNames(_ containers: [Container]) -> Bool {
        for (index, container) in containers.enumerated() {
            guard let name = container.name else { continue }
            if containers[..<index].contains(where: { $0.name == name }) { return false }
        }
        return true
    }
}
