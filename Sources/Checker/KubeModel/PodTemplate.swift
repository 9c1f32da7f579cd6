import KubeDiagnostics
import KubeYAML

public struct ContainerPort: Sendable {
    public var number: Int?
    public var name: String?
    public var `protocol`: String
    public var node: YAMLNode

    /// A number in 1–65535 and a protocol the API accepts. A port the API
    /// server rejects is reported by the schema rules; wiring rules that
    /// compared against it would only echo that finding.
    public var isWellFormed: Bool {
        guard let number, (1...65535).contains(number) else { return false }
        return `protocol` == "TCP" || `protocol` == "UDP" || `protocol` == "SCTP"
    }
}

public struct EnvEntry: Sendable {
    public var name: String?
    public var node: YAMLNode

    // Read from `node` on use: workloads have many env entries and few findings.
    public var nameNode: YAMLNode? { node["name"] }
    /// `value`, when written (any type: the field-type rule checks it is a string).
    public var valueNode: YAMLNode? { node["value"] }
}

public enum ProbeKind: String, Sendable, CaseIterable {
    case liveness = "livenessProbe"
    case readiness = "readinessProbe"
    case startup = "startupProbe"
}

public enum ProbeHandler: String, Sendable {
    case httpGet, tcpSocket, grpc
}

public struct Probe: Sendable {
    public var kind: ProbeKind
    public var handler: ProbeHandler
    public var port: PortReference?
    public var portNode: YAMLNode?
    /// For httpGet: the path (default `/`).
    public var path: String
    public var node: YAMLNode
}

/// A container of a pod template. Immutable and a class, like `ManifestObject`.
public final class Container: Sendable {
    public let name: String?
    public let imageNode: YAMLNode?
    public let ports: [ContainerPort]
    public let env: [EnvEntry]
    public let probes: [Probe]
    public let isInit: Bool
    /// Init containers with `restartPolicy: Always` run beside the main ones.
    public let isSidecar: Bool
    public let node: YAMLNode

    init(node: YAMLNode, isInit: Bool) {
        self.node = node
        self.isInit = isInit
        name = node["name"]?.scalar
        imageNode = node["image"]
        isSidecar = isInit && node["restartPolicy"]?.scalar == "Always"
        ports =
            node["ports"]?.mapItems { port in
                ContainerPort(
                    number: port["containerPort"]?.portNumber, name: port["name"]?.scalar,
                    protocol: port["protocol"]?.scalar ?? "TCP", node: port)
            } ?? []
        env = node["env"]?.mapItems { entry in EnvEntry(name: entry["name"]?.scalar, node: entry) } ?? []
        var probes: [Probe] = []
        for kind in ProbeKind.allCases {
            guard let probe = node[kind.rawValue] else { continue }
            // One allocation, room for every kind, when the container has any probe.
            if probes.capacity == 0 { probes.reserveCapacity(ProbeKind.allCases.count) }
            for handler in [ProbeHandler.httpGet, .tcpSocket, .grpc] {
                guard let body = probe[handler.rawValue] else { continue }
                let portNode = body["port"]
                probes.append(
                    Probe(
                        kind: kind, handler: handler, port: portNode.flatMap(PortReference.init(node:)),
                        portNode: portNode, path: body["path"]?.scalar ?? "/", node: body))
                break
            }
        }
        self.probes = probes
    }

    /// Read from `imageNode` on use: most checks never ask, and an image's text is rarely short
    /// enough for a `String` to hold it without an allocation.
    public var image: String? { imageNode?.scalar }

    // Read from `node` on use, like env nodes: few rules look at them.
    public var command: [YAMLNode] { node["command"]?.items ?? [] }
    public var args: [YAMLNode] { node["args"]?.items ?? [] }

    /// Whether this container serves traffic for Service endpoints.
    public var servesTraffic: Bool { !isInit || isSidecar }
}

/// A pod template: labels and containers, wherever the workload keeps it. Immutable and a class.
public final class PodTemplate: Sendable {
    public let labelsNode: YAMLNode?
    public let labels: [LabelEntry]
    public let containers: [Container]
    /// The template's `metadata` node or the template itself, to point at.
    public let node: YAMLNode
    public let specNode: YAMLNode?

    init(node: YAMLNode) {
        self.node = node
        let labelsNode = node["metadata"]?["labels"]
        self.labelsNode = labelsNode
        labels = LabelEntry.entries(of: labelsNode)
        let spec = node["spec"]
        specNode = spec
        // One array at its final size (two mapped lists joined took three).
        let main = spec?["containers"]
        let initial = spec?["initContainers"]
        var containers: [Container] = []
        containers.reserveCapacity(
            (main?.isSequence == true ? main?.childCount ?? 0 : 0)
                + (initial?.isSequence == true ? initial?.childCount ?? 0 : 0))
        main?.forEachItem { containers.append(Container(node: $0, isInit: false)) }
        initial?.forEachItem { containers.append(Container(node: $0, isInit: true)) }
        self.containers = containers
    }

    /// Containers whose ports receive Service traffic.
    public var servingContainers: [Container] { containers.filter(\.servesTraffic) }
}

extension PortReference {
    /// Whether a container port is the one this reference names (by number or by name).
    public func matches(_ port: ContainerPort) -> Bool {
        switch self {
        case .number(let number): port.number == number
        case .name(let name): port.name == name
        }
    }
}
