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

    public init(objects: [ManifestObject]) {
        self.objects = objects
        for object in objects {
            if let workload = Workload(object: object) {
                workloadsByNamespace[object.namespace, default: []].append(workloads.count)
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
        return workloads(in: service.object.namespace).filter { service.selects($0.podLabels) }
    }

    /// Namespaces that contain at least one object.
    public var namespaces: Set<String> { Set(objects.map(\.namespace)) }

    /// The object with this identity, for per-object settings (annotations).
    public func object(_ reference: ObjectReference) -> ManifestObject? {
        objects.first { $0.kind == reference.kind && $0.namespace == reference.namespace && $0.name == reference.name }
    }
}

public struct NamespacedName: Hashable, Sendable {
    public var namespace: String
    public var name: String
    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }
}
