import KubeDiagnostics
import KubeYAML

/// Every object of every input, with typed views and the indexes rules use.
public struct ManifestGraph: Sendable {
    public private(set) var objects: [ManifestObject]
    public private(set) var workloads: [Workload] = []
    public private(set) var services: [Service] = []
    public private(set) var ingresses: [Ingress] = []
    public private(set) var skaffoldConfigs: [SkaffoldConfig] = []

    private var serviceIndex: [NamespacedName: Int] = [:]
    private var workloadsByNamespace: [String: [Int]] = [:]
    /// Workloads by namespace and one pod label `key=value`, ascending: a
    /// Service's candidates are the shortest list among its selector entries.
    private var workloadsByLabel: [PodLabel: [Int]] = [:]
    /// `Workload.podLabels`, computed once per workload.
    private var podLabels: [[String: String]] = []
    /// The first object with each identity.
    private var objectIndex: [ObjectReference: Int] = [:]

    public init(objects: [ManifestObject]) {
        self.objects = objects
        for (position, object) in objects.enumerated() {
            if objectIndex[object.reference] == nil { objectIndex[object.reference] = position }
            if let workload = Workload(object: object) {
                let index = workloads.count
                workloadsByNamespace[object.namespace, default: []].append(index)
                let labels = workload.podLabels
                for (key, value) in labels {
                    workloadsByLabel[PodLabel(namespace: object.namespace, key: key, value: value), default: []].append(
                        index)
                }
                podLabels.append(labels)
                workloads.append(workload)
            } else if let service = Service(object: object) {
                let key = NamespacedName(namespace: object.namespace, name: object.name)
                if serviceIndex[key] == nil { serviceIndex[key] = services.count }
                services.append(service)
            } else if let ingress = Ingress(object: object) {
                ingresses.append(ingress)
            } else if let config = SkaffoldConfig(object: object) {
                skaffoldConfigs.append(config)
            }
        }
    }

    /// The first Service with this name in the namespace.
    public func service(named name: String, in namespace: String) -> Service? {
        serviceIndex[NamespacedName(namespace: namespace, name: name)].map { services[$0] }
    }

    public func workloads(in namespace: String) -> [Workload] {
        (workloadsByNamespace[namespace] ?? []).map { workloads[$0] }
    }

    /// Workloads whose pods a Service selects.
    public func workloads(selectedBy service: Service) -> [Workload] {
        guard service.selectsPods else { return [] }
        let namespace = service.object.namespace
        var candidates: [Int]?
        for entry in service.selector {
            let list = workloadsByLabel[PodLabel(namespace: namespace, key: entry.key, value: entry.value)] ?? []
            if list.count < candidates?.count ?? Int.max { candidates = list }
            if list.isEmpty { return [] }
        }
        return (candidates ?? []).filter { service.selects(podLabels[$0]) }.map { workloads[$0] }
    }

    /// Namespaces that contain at least one object.
    public var namespaces: Set<String> { Set(objects.map(\.namespace)) }

    /// The object with this identity, for per-object settings (annotations).
    public func object(_ reference: ObjectReference) -> ManifestObject? {
        objectIndex[reference].map { objects[$0] }
    }
}

private struct PodLabel: Hashable {
    var namespace: String
    var key: String
    var value: String
}

public struct NamespacedName: Hashable, Sendable {
    public var namespace: String
    public var name: String
    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }
}
