import KubeDiagnostics
import KubeModel
import KubeYAML

/// Go to definition: from a reference to what it names, as far as the model resolves it (a Service
/// named by an Ingress backend and its port; a ConfigMap, Secret, claim or ServiceAccount named by a
/// pod template and the key it names; a Service selector value and the pod labels it selects).
enum Definitions {
    /// Where the reference in `file` at 1-based `line`/`column` (Unicode scalars) leads.
    static func targets(in graphs: [ManifestGraph], file: String, line: Int, column: Int) -> [SourceSpan] {
        for graph in graphs {
            let found = targets(in: graph, file: file, line: line, column: column)
            if !found.isEmpty { return found }
        }
        return []
    }

    static func targets(in graph: ManifestGraph, file: String, line: Int, column: Int) -> [SourceSpan] {
        func at(_ node: YAMLNode?) -> Bool {
            guard let node else { return false }
            let start = (Int(node.start.line), Int(node.start.column))
            let end = (Int(node.end.line), Int(node.end.column))
            return start <= (line, column) && (line, column) <= end
        }

        for ingress in graph.ingresses where ingress.object.file == file {
            let backends =
                ingress.rules.flatMap { $0.paths.compactMap(\.backend) } + [ingress.defaultBackend].compactMap { $0 }
            for backend in backends {
                guard let name = backend.serviceName,
                    let service = graph.service(named: name, in: ingress.object.namespace)
                else { continue }
                if at(backend.serviceNameNode) { return [span(of: nameNode(of: service.object), in: service.object)] }
                if at(backend.portNode), let port = backend.port, let target = service.port(matching: port) {
                    return [span(of: target.node, in: service.object)]
                }
            }
        }

        for service in graph.services where service.object.file == file {
            for entry in service.selector where at(entry.valueNode) || at(entry.keyNode) {
                // The pod labels this selector entry matches, in each workload the Service selects.
                return graph.workloads(selectedBy: service).compactMap { workload in
                    workload.template.labels.last { $0.key == entry.key }.map {
                        span(of: $0.valueNode, in: workload.object)
                    }
                }
            }
        }

        for workload in graph.workloads where workload.object.file == file {
            for reference in workload.template.references(of: workload.object) {
                let onName = at(reference.nameNode)
                let onMember = at(reference.memberNode)
                guard onName || onMember else { continue }
                if reference.kind == "ConfigMap" || reference.kind == "Secret",
                    let data = graph.configData(kind: reference.kind, named: reference.name, in: reference.namespace)
                {
                    if onMember, case .key(let key)? = reference.member, let entry = data.entry(key) {
                        return [span(of: entry.keyNode, in: data.definer)]
                    }
                    return [span(of: data.nameNode ?? nameNode(of: data.definer), in: data.definer)]
                }
                if let object = graph.object(reference.target) {
                    return [span(of: nameNode(of: object), in: object)]
                }
                return []
            }
        }
        return []
    }

    static func nameNode(of object: ManifestObject) -> YAMLNode {
        object.root["metadata"]?["name"] ?? object.root
    }

    /// Where a node of `object` sits, as a span of its file.
    static func span(of node: YAMLNode, in object: ManifestObject) -> SourceSpan {
        SourceSpan(
            file: object.file, line: Int(node.start.line), column: Int(node.start.column), endLine: Int(node.end.line),
            endColumn: Int(node.end.column))
    }
}
