import KubeYAML

public struct ServicePort: Sendable {
    public var name: String?
    public var port: Int?
    /// targetPort as written; nil means "same as port".
    public var targetPort: PortReference?
    public var targetPortNode: YAMLNode?
    public var `protocol`: String
    public var node: YAMLNode

    /// The container port this Service port reaches: targetPort, defaulting to port.
    public var effectiveTarget: PortReference? {
        targetPort ?? port.map(PortReference.number)
    }
}

/// A core Service. Immutable and a class, like `ManifestObject`: rules copy Services on every thread.
public final class Service: Sendable {
    public let object: ManifestObject
    public let type: String
    /// Selector entries; empty when the Service has no selector.
    public let selector: [LabelEntry]
    public let selectorNode: YAMLNode?
    public let ports: [ServicePort]

    public init?(object: ManifestObject) {
        guard object.kind == BuiltinKind.service, object.apiGroup.isEmpty else { return nil }
        self.object = object
        let spec = object.spec
        type = spec?["type"]?.scalar ?? "ClusterIP"
        let selectorNode = spec?["selector"]
        self.selectorNode = selectorNode
        selector = LabelEntry.entries(of: selectorNode)
        ports =
            spec?["ports"]?.mapItems { port in
                let target = port["targetPort"]
                return ServicePort(
                    name: port["name"]?.scalar, port: port["port"]?.portNumber,
                    targetPort: target.flatMap { $0.int == 0 || $0.isNull ? nil : PortReference(node: $0) },
                    targetPortNode: target, protocol: port["protocol"]?.scalar ?? "TCP", node: port)
            } ?? []
    }

    /// Services that route to pods chosen by label: not ExternalName, not selector-less.
    public var selectsPods: Bool { type != "ExternalName" && !selector.isEmpty }

    public func selects(_ labels: [String: String]) -> Bool {
        selector.allSatisfy { labels[$0.key] == $0.value }
    }

    /// `selects(_:)` on label entries as written (the last of a repeated key counts).
    public func selects(_ labels: [LabelEntry]) -> Bool {
        selector.allSatisfy { entry in labels.last { $0.key == entry.key }?.value == entry.value }
    }

    /// The Service port a client reaching `port` (number or port name) lands on.
    public func port(matching reference: PortReference) -> ServicePort? {
        switch reference {
        case .number(let number): ports.first { $0.port == number }
        case .name(let name): ports.first { $0.name == name }
        }
    }
}
