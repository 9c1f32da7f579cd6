import KubeYAML

// The custom resources teams deploy beside their workloads, recognised by API group and kind
// whether or not their CRD is in the inputs: Argo Rollouts, KEDA ScaledObjects, the
// prometheus-operator's ServiceMonitors and PodMonitors, Istio VirtualServices and
// DestinationRules. Only the fields that name other objects are read.

/// An Argo Rollout (`argoproj.io`): its pods are a `Workload` when it has a template; here, the
/// Services its strategy names and the Deployment a `workloadRef` borrows the template from.
public struct ArgoRollout: Sendable {
    public static let group = "argoproj.io"
    /// The strategy fields that name a Service, in the order a message lists them.
    public static let serviceFields: [(strategy: String, field: String)] = [
        ("canary", "canaryService"), ("canary", "stableService"), ("blueGreen", "activeService"),
        ("blueGreen", "previewService"),
    ]

    public var object: ManifestObject
    /// The Rollout's own pods (nil with `workloadRef` or without a template).
    public var workload: Workload?
    /// `spec.workloadRef` (kind, default Deployment, and name).
    public var workloadReference: NamedReference?
    /// `strategy.canary.canaryService`, `…stableService`, `strategy.blueGreen.activeService`, `…previewService`.
    public var services: [NamedReference]
    /// `strategy.canary.trafficRouting.istio.virtualService` and `…virtualServices[]`.
    public var virtualServices: [RolloutVirtualService]
    /// `strategy.canary.trafficRouting.istio.destinationRule` (a DestinationRule of the Rollout's namespace).
    public var destinationRule: NamedReference?
    /// Its `canarySubsetName` and `stableSubsetName`, with the field each is written in.
    public var destinationRuleSubsets: [(field: String, name: String, node: YAMLNode)]

    public init?(object: ManifestObject) {
        guard object.kind == "Rollout", object.apiGroup == Self.group else { return nil }
        self.object = object
        workload = Workload(object: object)
        let spec = object.spec
        if let ref = spec?["workloadRef"], let nameNode = ref["name"], let name = nameNode.string, !name.isEmpty {
            workloadReference = NamedReference(
                source: object, kind: ref["kind"]?.string ?? BuiltinKind.deployment, name: name, nameNode: nameNode,
                context: "workloadRef")
        }
        services = Self.serviceFields.compactMap { strategy, field in
            guard let node = spec?["strategy"]?[strategy]?[field], let name = node.string, !name.isEmpty else {
                return nil
            }
            return NamedReference(
                source: object, kind: BuiltinKind.service, name: name, nameNode: node,
                context: "strategy.\(strategy).\(field)")
        }
        let istio = spec?["strategy"]?["canary"]?["trafficRouting"]?["istio"]
        let written = (istio?["virtualService"].map { [$0] } ?? []) + (istio?["virtualServices"]?.items ?? [])
        virtualServices = written.compactMap { RolloutVirtualService(node: $0, of: object) }
        let rule = istio?["destinationRule"]
        if let node = rule?["name"], let name = node.string, !name.isEmpty {
            destinationRule = NamedReference(
                source: object, kind: "DestinationRule", name: name, nameNode: node,
                context: "trafficRouting.istio.destinationRule")
        }
        destinationRuleSubsets = ["canarySubsetName", "stableSubsetName"].compactMap { field in
            guard let node = rule?[field], let name = node.string, !name.isEmpty else { return nil }
            return (field, name, node)
        }
    }
}

/// A VirtualService whose weights a Rollout shifts, and the HTTP routes it edits.
public struct RolloutVirtualService: Sendable {
    /// The VirtualService: `name` is the Rollout's namespace, `name.namespace` another (Argo's
    /// `GetVirtualServiceNamespaceName`); other forms are not read.
    public var reference: NamedReference
    /// `routes`: names of the VirtualService's `http[].name` entries.
    public var routes: [(name: String, node: YAMLNode)]

    init?(node: YAMLNode, of object: ManifestObject) {
        guard let nameNode = node["name"], let written = nameNode.string, !written.isEmpty else { return nil }
        let parts = written.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        reference = NamedReference(
            source: object, kind: "VirtualService", namespace: parts.count == 2 ? String(parts[1]) : nil,
            name: String(parts[0]), nameNode: nameNode, context: "trafficRouting.istio.virtualService")
        routes = (node["routes"]?.items ?? []).compactMap { item in item.string.map { ($0, item) } }
    }
}

/// A KEDA ScaledObject (`keda.sh`): the workload it scales.
public struct ScaledObject: Sendable {
    public var object: ManifestObject
    /// `scaleTargetRef` (kind defaults to Deployment), nil without a name.
    public var target: NamedReference?

    public init?(object: ManifestObject) {
        guard object.kind == "ScaledObject", object.apiGroup == "keda.sh" else { return nil }
        self.object = object
        let ref = object.spec?["scaleTargetRef"]
        if let nameNode = ref?["name"], let name = nameNode.string, !name.isEmpty {
            target = NamedReference(
                source: object, kind: ref?["kind"]?.string ?? BuiltinKind.deployment, name: name, nameNode: nameNode,
                context: "scaleTargetRef")
        }
    }
}

/// Which namespaces a monitor's `namespaceSelector` searches.
public enum MonitorNamespaces: Sendable, Equatable {
    /// No namespaceSelector: the monitor's own namespace.
    case own
    /// `any: true`: every namespace.
    case any
    /// `matchNames`.
    case names([String])
}

/// One scrape endpoint of a ServiceMonitor (`endpoints[]`) or PodMonitor (`podMetricsEndpoints[]`).
public struct MonitorEndpoint: Sendable {
    /// `port`: a Service port name (ServiceMonitor) or a container port name (PodMonitor).
    public var port: String?
    public var portNode: YAMLNode?
    /// `targetPort` (deprecated): a container port by name or number.
    public var targetPort: PortReference?
    public var targetPortNode: YAMLNode?
}

/// A prometheus-operator ServiceMonitor or PodMonitor (`monitoring.coreos.com`).
public struct Monitor: Sendable {
    public static let group = "monitoring.coreos.com"

    public var object: ManifestObject
    /// True for a PodMonitor (selects pods), false for a ServiceMonitor (selects Services).
    public var selectsPods: Bool
    public var selector: LabelSelector?
    public var namespaces: MonitorNamespaces
    public var endpoints: [MonitorEndpoint]

    public init?(object: ManifestObject) {
        guard object.kind == "ServiceMonitor" || object.kind == "PodMonitor", object.apiGroup == Self.group else {
            return nil
        }
        self.object = object
        selectsPods = object.kind == "PodMonitor"
        let spec = object.spec
        selector = spec?["selector"].map(LabelSelector.labelSelector)
        let namespaceSelector = spec?["namespaceSelector"]
        if let any = namespaceSelector?["any"], any.scalarType == .bool, any.scalar?.lowercased() == "true" {
            namespaces = .any
        } else if let names = namespaceSelector?["matchNames"]?.items, !names.isEmpty {
            namespaces = .names(names.compactMap(\.string))
        } else {
            namespaces = .own
        }
        endpoints = (spec?[selectsPods ? "podMetricsEndpoints" : "endpoints"]?.items ?? []).map { item in
            let target = item["targetPort"]
            return MonitorEndpoint(
                port: item["port"]?.string.flatMap { $0.isEmpty ? nil : $0 }, portNode: item["port"],
                targetPort: target.flatMap(PortReference.init(node:)),
                targetPortNode: target)
        }
    }

    /// The namespaces searched, given every namespace of the inputs for `any: true`.
    public func searchedNamespaces(among known: Set<String>) -> [String] {
        switch namespaces {
        case .own: [object.namespace]
        case .any: known.sorted()
        case .names(let names): names
        }
    }
}

/// How Istio reads a host of a VirtualService or DestinationRule (pilot's
/// `ResolveShortnameToFQDN`): a name without a dot is a Service of the rule's namespace;
/// `name.ns.svc.cluster.local` is Service `name` of namespace `ns`. Anything else (other
/// domains, `name.ns`, wildcards, IPs) is not read as a Service here.
public enum IstioHost {
    public static func service(_ host: String, ruleNamespace: String) -> NamespacedName? {
        guard !host.isEmpty, !host.contains("*") else { return nil }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 1 { return NamespacedName(namespace: ruleNamespace, name: host) }
        guard parts.count == 5, parts[2] == "svc", parts[3] == "cluster", parts[4] == "local", !parts[0].isEmpty,
            !parts[1].isEmpty
        else { return nil }
        return NamespacedName(namespace: String(parts[1]), name: String(parts[0]))
    }
}

/// A `destination` of a VirtualService route (http, tcp, tls) or mirror.
public struct IstioDestination: Sendable {
    public var host: String
    public var hostNode: YAMLNode
    public var portNumber: Int?
    public var portNode: YAMLNode?
    public var subset: String?
    public var subsetNode: YAMLNode?
    /// Where it sits, for messages: `http route`, `tcp route`, `http mirror`.
    public var context: String
}

/// An Istio VirtualService (`networking.istio.io`): where its routes send traffic.
public struct VirtualService: Sendable {
    public static let group = "networking.istio.io"

    public var object: ManifestObject
    public var destinations: [IstioDestination]
    /// `http[]`, with their `name`s (nil when unnamed).
    public var httpRoutes: [(name: String?, node: YAMLNode)]

    public init?(object: ManifestObject) {
        guard object.kind == "VirtualService", object.apiGroup == Self.group else { return nil }
        self.object = object
        var destinations: [IstioDestination] = []
        func add(_ node: YAMLNode?, _ context: String) {
            guard let node, let hostNode = node["host"], let host = hostNode.string else { return }
            let portNode = node["port"]?["number"]
            destinations.append(
                IstioDestination(
                    host: host, hostNode: hostNode, portNumber: portNode?.int, portNode: portNode,
                    subset: node["subset"]?.string, subsetNode: node["subset"], context: context))
        }
        for protocolName in ["http", "tcp", "tls"] {
            for route in object.spec?[protocolName]?.items ?? [] {
                for entry in route["route"]?.items ?? [] { add(entry["destination"], "\(protocolName) route") }
                if protocolName == "http" { add(route["mirror"], "http mirror") }
            }
        }
        self.destinations = destinations
        httpRoutes = (object.spec?["http"]?.items ?? []).map { ($0["name"]?.string, $0) }
    }
}

/// A subset of a DestinationRule: a name and the pod labels that pick its endpoints.
public struct IstioSubset: Sendable {
    public var name: String
    public var nameNode: YAMLNode
    public var labels: [LabelEntry]
}

/// An Istio DestinationRule (`networking.istio.io`): the Service it configures and its subsets.
public struct DestinationRule: Sendable {
    public var object: ManifestObject
    public var host: String?
    public var hostNode: YAMLNode?
    public var subsets: [IstioSubset]

    public init?(object: ManifestObject) {
        guard object.kind == "DestinationRule", object.apiGroup == VirtualService.group else { return nil }
        self.object = object
        let spec = object.spec
        hostNode = spec?["host"]
        host = hostNode?.string
        subsets = (spec?["subsets"]?.items ?? []).compactMap { item in
            guard let node = item["name"], let name = node.string else { return nil }
            return IstioSubset(name: name, nameNode: node, labels: LabelEntry.entries(of: item["labels"]))
        }
    }

    /// The Service its host names (see `IstioHost`).
    public var service: NamespacedName? { host.flatMap { IstioHost.service($0, ruleNamespace: object.namespace) } }
}
