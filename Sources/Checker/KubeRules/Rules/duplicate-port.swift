import KubeDiagnostics
import KubeModel
import KubeYAML

/// Port lists the API server rejects or that make a named port ambiguous.
struct DuplicatePortRule: Rule {
    let info = RuleInfo(
        id: .duplicatePort,
        summary:
            "Port names are unique in a pod and a Service, Service ports unique, and multi-port Services name every port",
        why:
            "A Service with two ports of the same name or the same port+protocol, or with several ports and one unnamed, is rejected by the API server (validation.go validateServicePort: `spec.ports[1].name: Required value`, `Duplicate value`); a container port name used twice in one container is rejected (validateContainerPorts), and twice in one pod makes a named targetPort ambiguous.",
        fix:
            "Give every port a distinct name and number; with more than one Service port, name each one."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for workload in graph.workloads {
            if Self.hasDistinctPortNames(workload.template.containers) { continue }
            let object = workload.object
            var names: [String: YAMLNode] = [:]
            for container in workload.template.containers {
                for port in container.ports {
                    if let nameNode = port.node["name"], let name = nameNode.string, !name.isEmpty {
                        if let earlier = names[name] {
                            findings.append(
                                info.diagnostic(
                                    "container port name \(name) is used twice in the pod of \(object.kind) \(object.name); a Service targetPort \(name) could reach either",
                                    at: object.span(nameNode), object: object,
                                    notes: [DiagnosticNote("first used here", at: object.span(earlier))],
                                    fix: SuggestedFix("give each container port its own name")))
                        } else {
                            names[name] = nameNode
                        }
                    }
                }
            }
        }
        for service in graph.services {
            if Self.isWellFormed(service.ports) { continue }
            let object = service.object
            var names: [String: YAMLNode] = [:]
            var numbers: [String: YAMLNode] = [:]
            for port in service.ports {
                let nameNode = port.node["name"]
                if let nameNode, let name = nameNode.string, !name.isEmpty {
                    if let earlier = names[name] {
                        findings.append(
                            info.diagnostic(
                                "Service \(object.name) has two ports named \(name); port names must be unique",
                                at: object.span(nameNode), object: object,
                                notes: [DiagnosticNote("first used here", at: object.span(earlier))],
                                fix: SuggestedFix("rename one of the ports")))
                    } else {
                        names[name] = nameNode
                    }
                } else if service.ports.count > 1 {
                    findings.append(
                        info.diagnostic(
                            "Service \(object.name) has \(service.ports.count) ports, so every port needs a name; this one has none",
                            at: object.span(port.node), object: object,
                            fix: SuggestedFix("add `name:` (a DNS-1123 label such as `http`) to this port")))
                }
                if let number = port.port, let numberNode = port.node["port"] {
                    let key = "\(number)/\(port.protocol)"
                    if let earlier = numbers[key] {
                        findings.append(
                            info.diagnostic(
                                "Service \(object.name) declares port \(number)/\(port.protocol) twice; the API server rejects duplicate ports",
                                at: object.span(numberNode), object: object,
                                notes: [DiagnosticNote("first declared here", at: object.span(earlier))],
                                fix: SuggestedFix("remove the duplicate or use another port number")))
                    } else {
                        numbers[key] = numberNode
                    }
                }
            }
        }
        return findings
    }

    // The checks below settle the common case, nothing to report, without a table or a `String`
    // per port; the loops above explain the rest. Pairwise: a pod or Service has a handful of ports.

    /// Whether no two container ports of a pod have the same name (their `name` is the node's text:
    /// a superset of the string names compared above).
    private static func hasDistinctPortNames(_ containers: [Container]) -> Bool {
        for (containerIndex, container) in containers.enumerated() {
            for (portIndex, port) in container.ports.enumerated() {
                guard let name = port.name else { continue }
                if container.ports[..<portIndex].contains(where: { $0.name == name })
                    || containers[..<containerIndex].contains(where: { $0.ports.contains { $0.name == name } })
                {
                    return false
                }
            }
        }
        return true
    }

    /// Whether a Service's ports have distinct names and numbers, each named when there are several.
    private static func isWellFormed(_ ports: [ServicePort]) -> Bool {
        for index in ports.indices {
            let port = ports[index]
            // Several ports: each needs a non-empty name that YAML reads as a string.
            if ports.count > 1 {
                guard let name = port.name, !name.isEmpty, port.node["name"]?.scalarType == .string else {
                    return false
                }
            }
            for other in ports[..<index] {
                if let name = port.name, other.name == name { return false }
                if let number = port.port, other.port == number, other.protocol == port.protocol { return false }
            }
        }
        return true
    }
}
