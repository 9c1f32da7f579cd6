import KubeYAML

/// Gateway API objects (`gateway.networking.k8s.io`, v1 and v1beta1).
public enum GatewayAPI {
    public static let group = "gateway.networking.k8s.io"
    public static let versions: Set<String> = ["\(group)/v1", "\(group)/v1beta1"]
    public static let routeKinds: Set<String> = ["HTTPRoute", "GRPCRoute"]
}

public struct GatewayListener: Sendable {
    public var name: String
    public var port: Int?
    public var `protocol`: String?
    public var nameNode: YAMLNode
}

public struct Gateway: Sendable {
    public var object: ManifestObject
    public var listeners: [GatewayListener]

    public init?(object: ManifestObject) {
        guard object.kind == "Gateway", GatewayAPI.versions.contains(object.apiVersion) else { return nil }
        self.object = object
        listeners = (object.spec?["listeners"]?.items ?? []).compactMap { item in
            guard let node = item["name"], let name = node.string else { return nil }
            return GatewayListener(
                name: name, port: item["port"]?.portNumber, protocol: item["protocol"]?.string, nameNode: node)
        }
    }
}

/// A `backendRefs` entry of a route rule.
public struct RouteBackend: Sendable {
    /// The Service (or other kind) it names, with the port as member.
    public var reference: NamedReference
    /// True for a core Service (group "" and kind Service, the defaults).
    public var isService: Bool
    public var portNode: YAMLNode?
    public var node: YAMLNode
}

/// An HTTPRoute or GRPCRoute: the Gateways it attaches to and its backends.
public struct Route: Sendable {
    public var object: ManifestObject
    /// `parentRefs` naming Gateways (with `sectionName` as the listener member).
    public var parents: [NamedReference]
    public var backends: [RouteBackend]

    public init?(object: ManifestObject) {
        guard GatewayAPI.routeKinds.contains(object.kind), GatewayAPI.versions.contains(object.apiVersion) else {
            return nil
        }
        self.object = object
        let spec = object.spec
        parents = (spec?["parentRefs"]?.items ?? []).compactMap { ref in
            let group = ref["group"]?.string ?? GatewayAPI.group
            let kind = ref["kind"]?.string ?? "Gateway"
            guard group == GatewayAPI.group, kind == "Gateway", let nameNode = ref["name"],
                let name = nameNode.string, !name.isEmpty
            else { return nil }
            let section = ref["sectionName"]
            return NamedReference(
                source: object, kind: "Gateway", namespace: ref["namespace"]?.string, name: name, nameNode: nameNode,
                member: section?.string.map(ReferenceMember.listener), memberNode: section, context: "parentRefs")
        }
        var backends: [RouteBackend] = []
        for rule in spec?["rules"]?.items ?? [] {
            for ref in rule["backendRefs"]?.items ?? [] {
                guard let nameNode = ref["name"], let name = nameNode.string, !name.isEmpty else { continue }
                let group = ref["group"]?.string ?? ""
                let kind = ref["kind"]?.string ?? BuiltinKind.service
                let portNode = ref["port"]
                let port = portNode?.portNumber.map { ReferenceMember.port(.number($0)) }
                backends.append(
                    RouteBackend(
                        reference: NamedReference(
                            source: object, kind: kind, namespace: ref["namespace"]?.string, name: name,
                            nameNode: nameNode, member: port, memberNode: portNode, context: "backendRefs"),
                        isService: group.isEmpty && kind == BuiltinKind.service, portNode: portNode, node: ref))
            }
        }
        self.backends = backends
    }
}

/// A ReferenceGrant: which objects of other namespaces may name objects of its namespace.
public struct ReferenceGrant: Sendable {
    public struct From: Sendable {
        public var group: String
        public var kind: String
        public var namespace: String
    }
    public struct To: Sendable {
        public var group: String
        public var kind: String
        /// nil: every object of that kind.
        public var name: String?
    }

    public var object: ManifestObject
    public var from: [From]
    public var to: [To]

    public init?(object: ManifestObject) {
        guard object.kind == "ReferenceGrant", object.apiGroup == GatewayAPI.group else { return nil }
        self.object = object
        from = (object.spec?["from"]?.items ?? []).map {
            From(
                group: $0["group"]?.string ?? "", kind: $0["kind"]?.string ?? "",
                namespace: $0["namespace"]?.string ?? "")
        }
        to = (object.spec?["to"]?.items ?? []).map {
            To(group: $0["group"]?.string ?? "", kind: $0["kind"]?.string ?? "", name: $0["name"]?.string)
        }
    }

    /// Whether this grant lets `source` (in another namespace) name `kind`/`name` here.
    public func permits(_ source: ManifestObject, group: String, kind: String, name: String) -> Bool {
        from.contains { $0.group == source.apiGroup && $0.kind == source.kind && $0.namespace == source.namespace }
            && to.contains { $0.group == group && $0.kind == kind && ($0.name == nil || $0.name == name) }
    }
}
