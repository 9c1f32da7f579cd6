import KubeYAML

/// A HorizontalPodAutoscaler: which workload it scales.
public struct HorizontalPodAutoscaler: Sendable {
    public var object: ManifestObject
    /// `scaleTargetRef` as a reference to its kind and name (nil when incomplete).
    public var target: NamedReference?
    /// `scaleTargetRef.apiVersion` as written.
    public var targetAPIVersion: String?
    public var targetNode: YAMLNode?

    public init?(object: ManifestObject) {
        guard object.kind == BuiltinKind.horizontalPodAutoscaler, object.apiGroup == "autoscaling" else { return nil }
        self.object = object
        let ref = object.spec?["scaleTargetRef"]
        targetNode = ref
        targetAPIVersion = ref?["apiVersion"]?.string
        if let kind = ref?["kind"]?.string, let nameNode = ref?["name"], let name = nameNode.string, !name.isEmpty {
            target = NamedReference(
                source: object, kind: kind, name: name, nameNode: nameNode, context: "scaleTargetRef")
        }
    }
}

/// A PodDisruptionBudget: the pods its selector protects.
public struct PodDisruptionBudget: Sendable {
    public var object: ManifestObject
    public var selector: LabelSelector?

    public init?(object: ManifestObject) {
        guard object.kind == BuiltinKind.podDisruptionBudget, object.apiGroup == "policy" else { return nil }
        self.object = object
        selector = object.spec?["selector"].map(LabelSelector.labelSelector)
    }
}

/// One `from` or `to` entry of a NetworkPolicy rule.
public struct NetworkPolicyPeer: Sendable {
    /// `podSelector` of a peer that also has no `namespaceSelector`: pods of
    /// the policy's own namespace.
    public var podSelector: LabelSelector?
    /// True when the peer selects namespaces (or IP blocks): not checkable here.
    public var reachesOtherNamespaces: Bool
    public var node: YAMLNode
}

/// A port of a NetworkPolicy rule (number or container port name).
public struct NetworkPolicyPort: Sendable {
    public var port: PortReference?
    public var portNode: YAMLNode?
    public var `protocol`: String
}

public struct NetworkPolicyTraffic: Sendable {
    public var isIngress: Bool
    public var peers: [NetworkPolicyPeer]
    public var ports: [NetworkPolicyPort]
    public var node: YAMLNode
}

/// A NetworkPolicy: the pods it applies to and the peers it allows.
public struct NetworkPolicy: Sendable {
    public var object: ManifestObject
    public var podSelector: LabelSelector?
    public var rules: [NetworkPolicyTraffic]

    public init?(object: ManifestObject) {
        guard object.kind == BuiltinKind.networkPolicy, object.apiGroup == "networking.k8s.io" else { return nil }
        self.object = object
        let spec = object.spec
        podSelector = spec?["podSelector"].map(LabelSelector.labelSelector)
        var rules: [NetworkPolicyTraffic] = []
        for (field, peerField, isIngress) in [("ingress", "from", true), ("egress", "to", false)] {
            for rule in spec?[field]?.items ?? [] {
                let peers = (rule[peerField]?.items ?? []).map { peer in
                    NetworkPolicyPeer(
                        podSelector: peer["podSelector"].map(LabelSelector.labelSelector),
                        reachesOtherNamespaces: peer["namespaceSelector"] != nil || peer["ipBlock"] != nil, node: peer)
                }
                let ports = (rule["ports"]?.items ?? []).map { port in
                    NetworkPolicyPort(
                        port: port["port"].flatMap(PortReference.init(node:)), portNode: port["port"],
                        protocol: port["protocol"]?.scalar ?? "TCP")
                }
                rules.append(NetworkPolicyTraffic(isIngress: isIngress, peers: peers, ports: ports, node: rule))
            }
        }
        self.rules = rules
    }
}

extension Workload {
    /// A StatefulSet's `serviceName`: the governing (headless) Service.
    public var governingService: NamedReference? {
        guard object.kind == BuiltinKind.statefulSet, let node = object.spec?["serviceName"], let name = node.string,
            !name.isEmpty
        else { return nil }
        return NamedReference(
            source: object, kind: BuiltinKind.service, name: name, nameNode: node, context: "serviceName")
    }
}

extension Ingress {
    /// `tls[].secretName`: the certificates the ingress controller serves.
    public var tlsSecrets: [NamedReference] {
        (object.spec?["tls"]?.items ?? []).compactMap { tls in
            guard let node = tls["secretName"], let name = node.string, !name.isEmpty else { return nil }
            return NamedReference(source: object, kind: BuiltinKind.secret, name: name, nameNode: node, context: "tls")
        }
    }
}
