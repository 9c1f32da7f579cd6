import Dispatch
import Foundation
import KubeDiagnostics
import KubeYAML

/// Every object of every input, with typed views and the indexes rules use.
public struct ManifestGraph: Sendable {
    public private(set) var objects: [ManifestObject]
    public private(set) var workloads: [Workload] = []
    public private(set) var services: [Service] = []
    public private(set) var ingresses: [Ingress] = []
    public private(set) var skaffoldConfigs: [SkaffoldConfig] = []
    /// ConfigMaps and Secrets, and the Secrets other objects create.
    public private(set) var configData: [ConfigData] = []
    public private(set) var autoscalers: [HorizontalPodAutoscaler] = []
    public private(set) var disruptionBudgets: [PodDisruptionBudget] = []
    public private(set) var networkPolicies: [NetworkPolicy] = []
    public private(set) var gateways: [Gateway] = []
    public private(set) var routes: [Route] = []
    public private(set) var referenceGrants: [ReferenceGrant] = []
    /// Custom resources recognised by group and kind (`CustomResources.swift`); a Rollout with its
    /// own template is in `workloads` too.
    public private(set) var rollouts: [ArgoRollout] = []
    public private(set) var scaledObjects: [ScaledObject] = []
    /// ServiceMonitors and PodMonitors.
    public private(set) var monitors: [Monitor] = []
    public private(set) var virtualServices: [VirtualService] = []
    public private(set) var destinationRules: [DestinationRule] = []

    /// ConfigMaps and Secrets by kind, namespace and name; a real Secret wins over its creator.
    private var configIndex: [ObjectReference: Int] = [:]
    /// Further definitions of one ConfigMap or Secret (alternative files), beside `configIndex`'s.
    private var configAlternatives: [ObjectReference: [ConfigData]] = [:]
    private var configByNamespace: [KindInNamespace: [Int]] = [:]
    /// Objects by kind and namespace, in input order: the candidates of a did-you-mean.
    private var objectsByKind: [KindInNamespace: [Int]] = [:]

    private var serviceIndex: [NamespacedName: Int] = [:]
    /// Later Services of a name `serviceIndex` holds (alternative files), in input order: a lookup
    /// by name never scans every Service.
    private var serviceAlternatives: [NamespacedName: [Int]] = [:]
    private var workloadsByNamespace: [String: [Int]] = [:]
    /// Workloads by namespace and one pod label `key=value`, ascending: a
    /// Service's candidates are the shortest list among its selector entries.
    private var workloadsByLabel: [PodLabel: [Int]] = [:]
    /// The first object with each identity.
    private var objectIndex: [ObjectReference: Int] = [:]
    /// Namespaces holding custom resources, whose operators may create objects the inputs never name.
    private var customResourceNamespaces: Set<String> = []
    /// Pod labels custom resources ask their operators to give the pods they create, by namespace.
    private var operatorPodsByNamespace: [String: [OperatorPodLabels]] = [:]
    /// The Service URLs of every workload by the Service they name, built on first use.
    private let serviceURLIndex = ServiceURLIndex()
    /// Objects by file, built on first use.
    private let fileIndex = FileIndex()

    public init(objects: [ManifestObject]) {
        self.objects = objects
        // The indexes that read objects alone are built on a thread of their own while the views are
        // made on the pool, so this serial part overlaps the parallel one (small inputs: in line).
        let objectIndexes = ConcurrentResult(runsConcurrently: objects.count >= Self.chunkSize) {
            ObjectIndexes(objects)
        }
        // Exact sizes: large inputs would otherwise keep up to half of each array spare.
        let serviceCount = objects.reduce(0) { $0 + ($1.kind == BuiltinKind.service ? 1 : 0) }
        let workloadCount = objects.reduce(0) { $0 + (Workload.kinds.contains($1.kind) ? 1 : 0) }
        workloads.reserveCapacity(workloadCount)
        services.reserveCapacity(serviceCount)
        serviceIndex.reserveCapacity(serviceCount)
        // Views in chunks: a view holds a whole typed object, and one array of
        // them for every input object would double the model at its peak.
        var chunkStart = 0
        while chunkStart < objects.count {
            let chunk = chunkStart..<min(chunkStart + Self.chunkSize, objects.count)
            for (position, view) in zip(chunk, Self.views(of: objects[chunk])) {
                add(view, of: objects[position])
            }
            chunkStart = chunk.upperBound
        }
        let built = objectIndexes.value()
        objectIndex = built.objectIndex
        objectsByKind = built.objectsByKind
        customResourceNamespaces = built.customResourceNamespaces
        operatorPodsByNamespace = built.operatorPodsByNamespace
        configData = built.configData
        configIndex = built.configIndex
        configAlternatives = built.configAlternatives
        configByNamespace = built.configByNamespace
    }

    private static let chunkSize = 2048

    /// `objectIndex`, `objectsByKind`, the custom resources' namespaces and operator pods, and the
    /// ConfigMaps and Secrets: what the graph indexes from the objects alone, in input order.
    private struct ObjectIndexes: Sendable {
        var objectIndex: [ObjectReference: Int] = [:]
        var objectsByKind: [KindInNamespace: [Int]] = [:]
        var customResourceNamespaces: Set<String> = []
        var operatorPodsByNamespace: [String: [OperatorPodLabels]] = [:]
        var configData: [ConfigData] = []
        var configIndex: [ObjectReference: Int] = [:]
        var configAlternatives: [ObjectReference: [ConfigData]] = [:]
        var configByNamespace: [KindInNamespace: [Int]] = [:]

        init(_ objects: [ManifestObject]) {
            objectIndex.reserveCapacity(objects.count)
            for (position, object) in objects.enumerated() { add(object, at: position) }
        }

        private mutating func add(_ object: ManifestObject, at position: Int) {
            // One hash of the identity: `subscript(_:default:)`'s modify inserts the default only
            // when the key is absent, so the first object keeps its position.
            ManifestGraph.keepFirst(&objectIndex[object.reference, default: position])
            objectsByKind[KindInNamespace(kind: object.kind, namespace: object.namespace), default: []].append(
                position)
            if object.isCustomResource {
                customResourceNamespaces.insert(object.namespace)
                let pods = OperatorPodLabels.found(in: object)
                if !pods.isEmpty { operatorPodsByNamespace[object.namespace, default: []] += pods }
            } else if object.kind == "Rollout" {
                let pods = OperatorPodLabels.experimentPods(of: object)
                if !pods.isEmpty { operatorPodsByNamespace[object.namespace, default: []] += pods }
            }
            if ConfigData.definingKinds.contains(object.kind) {
                for data in ConfigData.defined(by: object) {
                    let key = ObjectReference(kind: data.kind, namespace: data.namespace, name: data.name)
                    if let existing = configIndex[key],
                        !(configData[existing].isCreatedByAnotherObject && !data.isCreatedByAnotherObject)
                    {
                        if !data.isCreatedByAnotherObject { configAlternatives[key, default: []].append(data) }
                        continue
                    }
                    configIndex[key] = configData.count
                    configByNamespace[KindInNamespace(kind: data.kind, namespace: data.namespace), default: []]
                        .append(configData.count)
                    configData.append(data)
                }
            }
        }
    }

    /// Indexes the object's typed view (`ObjectIndexes` has the rest).
    private mutating func add(_ view: View, of object: ManifestObject) {
        func addWorkload(_ workload: Workload) {
            let index = workloads.count
            workloadsByNamespace[object.namespace, default: []].append(index)
            // A repeated label key indexes every value; `Service.selects` decides. Hook pods are
            // not among the pods a Service routes to (`workloads(selectedBy:)`).
            if !object.isTransient {
                for label in workload.template.labels {
                    workloadsByLabel[
                        PodLabel(namespace: object.namespace, key: label.key, value: label.value), default: []
                    ].append(index)
                }
            }
            workloads.append(workload)
        }
        switch view {
        case .workload(let workload):
            addWorkload(workload)
        case .rollout(let rollout):
            if let workload = rollout.workload { addWorkload(workload) }
            rollouts.append(rollout)
        case .scaledObject(let scaledObject):
            scaledObjects.append(scaledObject)
        case .monitor(let monitor):
            monitors.append(monitor)
        case .virtualService(let virtualService):
            virtualServices.append(virtualService)
        case .destinationRule(let rule):
            destinationRules.append(rule)
        case .service(let service):
            let key = NamespacedName(namespace: object.namespace, name: object.name)
            let position = services.count
            // One hash: the first Service of the name keeps its place (`keepFirst`).
            if Self.keepFirst(&serviceIndex[key, default: position]) != position {
                serviceAlternatives[key, default: []].append(position)
            }
            services.append(service)
        case .ingress(let ingress):
            ingresses.append(ingress)
        case .skaffold(let config):
            skaffoldConfigs.append(config)
        case .autoscaler(let autoscaler):
            autoscalers.append(autoscaler)
        case .disruptionBudget(let budget):
            disruptionBudgets.append(budget)
        case .networkPolicy(let policy):
            networkPolicies.append(policy)
        case .gateway(let gateway):
            gateways.append(gateway)
        case .route(let route):
            routes.append(route)
        case .referenceGrant(let grant):
            referenceGrants.append(grant)
        case .none:
            break
        }
    }

    /// The position a `subscript(_:default:)` modify left in place: the earlier one, or the default
    /// it inserted.
    @discardableResult @inline(__always) fileprivate static func keepFirst(_ position: inout Int) -> Int {
        position
    }

    /// The typed view of an object.
    private enum View: Sendable {
        case workload(Workload)
        case service(Service)
        case ingress(Ingress)
        case skaffold(SkaffoldConfig)
        case autoscaler(HorizontalPodAutoscaler)
        case disruptionBudget(PodDisruptionBudget)
        case networkPolicy(NetworkPolicy)
        case gateway(Gateway)
        case route(Route)
        case referenceGrant(ReferenceGrant)
        case rollout(ArgoRollout)
        case scaledObject(ScaledObject)
        case monitor(Monitor)
        case virtualService(VirtualService)
        case destinationRule(DestinationRule)
        case none

        init(_ object: ManifestObject) {
            switch object.kind {
            case BuiltinKind.horizontalPodAutoscaler:
                self = HorizontalPodAutoscaler(object: object).map(View.autoscaler) ?? .none
                return
            case BuiltinKind.podDisruptionBudget:
                self = PodDisruptionBudget(object: object).map(View.disruptionBudget) ?? .none
                return
            case BuiltinKind.networkPolicy:
                self = NetworkPolicy(object: object).map(View.networkPolicy) ?? .none
                return
            case "Gateway":
                self = Gateway(object: object).map(View.gateway) ?? .none
                return
            case "HTTPRoute", "GRPCRoute":
                self = Route(object: object).map(View.route) ?? .none
                return
            case "ReferenceGrant":
                self = ReferenceGrant(object: object).map(View.referenceGrant) ?? .none
                return
            case "Rollout":
                self = ArgoRollout(object: object).map(View.rollout) ?? .none
                return
            case "ScaledObject":
                self = ScaledObject(object: object).map(View.scaledObject) ?? .none
                return
            case "ServiceMonitor", "PodMonitor":
                self = Monitor(object: object).map(View.monitor) ?? .none
                return
            case "VirtualService":
                self = VirtualService(object: object).map(View.virtualService) ?? .none
                return
            case "DestinationRule":
                self = DestinationRule(object: object).map(View.destinationRule) ?? .none
                return
            default:
                break
            }
            if let workload = Workload(object: object) {
                self = .workload(workload)
            } else if let service = Service(object: object) {
                self = .service(service)
            } else if let ingress = Ingress(object: object) {
                self = .ingress(ingress)
            } else if let config = SkaffoldConfig(object: object) {
                self = .skaffold(config)
            } else {
                self = .none
            }
        }
    }

    /// Views are independent of each other: build them on every core for large inputs.
    private static func views(of objects: ArraySlice<ManifestObject>) -> [View] {
        objects.parallelMap(workers: min(ProcessInfo.processInfo.activeProcessorCount, objects.count / 256), View.init)
    }

    /// The first Service with this name in the namespace.
    public func service(named name: String, in namespace: String) -> Service? {
        serviceIndex[NamespacedName(namespace: namespace, name: name)].map { services[$0] }
    }

    /// Lazily: a namespace can hold thousands of workloads.
    public func workloads(in namespace: String) -> LazyMapSequence<[Int], Workload> {
        (workloadsByNamespace[namespace] ?? []).lazy.map { workloads[$0] }
    }

    /// Workloads whose pods a Service selects (with the labels their controllers add).
    public func workloads(selectedBy service: Service) -> [Workload] {
        guard service.selectsPods else { return [] }
        let namespace = service.object.namespace
        var candidates: [Int]?
        for entry in service.selector where !Self.controllerLabelKeys.contains(entry.key) {
            let list = workloadsByLabel[PodLabel(namespace: namespace, key: entry.key, value: entry.value)] ?? []
            if list.count < candidates?.count ?? Int.max { candidates = list }
            if list.isEmpty { return [] }
        }
        // A selector of controller labels alone: every workload of the namespace is a candidate.
        // One pass into one array (a filter, then a map, took two).
        var selected: [Workload] = []
        for index in candidates ?? workloadsByNamespace[namespace] ?? [] {
            let workload = workloads[index]
            if workload.podsCarry(all: service.selector) { selected.append(workload) }
        }
        return selected
    }

    /// Label keys some controller adds to the pods it creates (never in a template's index).
    private static let controllerLabelKeys: Set<String> = [
        "statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index", "controller-revision-hash",
        "pod-template-generation", "pod-template-hash", "job-name", "batch.kubernetes.io/job-name",
        "controller-uid", "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-completion-index",
    ]

    /// Pod labels the custom resources of a namespace ask their operators to set.
    public func operatorPods(in namespace: String) -> [OperatorPodLabels] {
        operatorPodsByNamespace[namespace] ?? []
    }

    /// Whether the namespace holds custom resources, whose operators may create pods, Services
    /// and Secrets that no input names.
    public func hasCustomResources(in namespace: String) -> Bool {
        customResourceNamespaces.contains(namespace)
    }

    /// The URLs in the workload's container values, with the Service each names.
    /// - Parameter namespaces: `namespaces`, computed once by a caller that asks for many workloads.
    public func serviceURLUses(ofWorkload index: Int, namespaces: Set<String>) -> [ResolvedURLUse] {
        let workload = workloads[index]
        return ServiceURL.uses(in: workload, graph: self).map { use in
            ResolvedURLUse(
                use: use, workloadIndex: index,
                service: use.url.serviceTarget(
                    defaultNamespace: workload.object.namespace, knownNamespaces: namespaces, graph: self))
        }
    }

    /// The URLs that name this Service, in workload order. The index of every workload's URLs is
    /// built once (on every core; `prepareServiceURLIndex`), so the findings about Services list their users without each
    /// scanning every workload.
    public func serviceURLUses(naming service: NamespacedName) -> [ResolvedURLUse] {
        serviceURLIndex.uses(naming: service, in: self)
    }

    /// The workloads (ascending indices) with a URL naming a Service the inputs lack, or a port
    /// that Service does not expose (an ExternalName Service has no ports to lack): the only
    /// workloads whose URLs can be wrong. Read from the index `prepareServiceURLIndex` builds.
    public func workloadsWithUnresolvedServiceURLs() -> [Int32] {
        serviceURLIndex.unresolvedWorkloads(in: self)
    }

    /// Builds the index behind `serviceURLUses(naming:)` now, before rules run on the pool.
    public func prepareServiceURLIndex() {
        _ = serviceURLIndex.prepare(self)
    }

    /// The ConfigMap or Secret with this name, or the object that creates the Secret.
    public func configData(kind: String, named name: String, in namespace: String) -> ConfigData? {
        configIndex[ObjectReference(kind: kind, namespace: namespace, name: name)].map { configData[$0] }
    }

    /// Every definition of one ConfigMap or Secret: `configData(kind:named:in:)`'s first, then
    /// those of other files (alternatives a repository keeps side by side).
    public func configDefinitions(kind: String, named name: String, in namespace: String) -> [ConfigData] {
        let key = ObjectReference(kind: kind, namespace: namespace, name: name)
        guard let first = configIndex[key].map({ configData[$0] }) else { return [] }
        return [first] + (configAlternatives[key] ?? [])
    }

    /// Every core Service of the name (alternative files define one more than once), in input order.
    public func services(named name: String, in namespace: String) -> [Service] {
        let key = NamespacedName(namespace: namespace, name: name)
        guard let first = serviceIndex[key] else { return [] }
        return [services[first]] + (serviceAlternatives[key] ?? []).map { services[$0] }
    }

    /// ConfigMaps or Secrets (with created Secrets) of a namespace.
    public func configData(kind: String, in namespace: String) -> [ConfigData] {
        (configByNamespace[KindInNamespace(kind: kind, namespace: namespace)] ?? []).map { configData[$0] }
    }

    /// Objects of `kind` in `namespace`, in input order (lazily: a namespace can be large).
    public func objects(kind: String, in namespace: String) -> LazyMapSequence<[Int], ManifestObject> {
        (objectsByKind[KindInNamespace(kind: kind, namespace: namespace)] ?? []).lazy.map { objects[$0] }
    }

    /// Workloads of a namespace whose pods `selector` matches.
    public func workloads(matching selector: LabelSelector, in namespace: String) -> [Workload] {
        workloads(in: namespace).filter { $0.podsMatch(selector) }
    }

    /// The objects of one input file, in input order (lazily: a file can hold many). The index is
    /// built on first use, so a caller asking per reference never scans every object.
    public func objects(inFile file: String) -> LazyMapSequence<[Int], ManifestObject> {
        (fileIndex.positions(in: self)[file] ?? []).lazy.map { objects[$0] }
    }

    /// Namespaces that contain at least one object.
    public var namespaces: Set<String> { Set(objects.map(\.namespace)) }

    /// The object with this identity, for per-object settings (annotations).
    public func object(_ reference: ObjectReference) -> ManifestObject? {
        objectIndex[reference].map { objects[$0] }
    }
}

private struct KindInNamespace: Hashable {
    var kind: String
    var namespace: String
}

private struct PodLabel: Hashable {
    var namespace: String
    var key: String
    var value: String
}

/// A value computed on a thread of its own (not the pool's: the pool is busy with the work it
/// overlaps, and a pool thread waiting on a pool task could stall), or in line when
/// `runsConcurrently` is false. `value()` waits for it.
private final class ConcurrentResult<T: Sendable>: @unchecked Sendable {
    private let compute: @Sendable () -> T
    private let done = DispatchSemaphore(value: 0)
    /// Written once, by the computing thread before it signals `done`; read after waiting on it.
    private var result: T?

    init(runsConcurrently: Bool, _ compute: @escaping @Sendable () -> T) {
        self.compute = compute
        guard runsConcurrently else {
            result = compute()
            done.signal()
            return
        }
        Thread { [self] in
            result = compute()
            done.signal()
        }.start()
    }

    func value() -> T {
        done.wait()
        defer { done.signal() }
        // Every path of `init` sets it before signalling; computing it here is only a fallback.
        return result ?? compute()
    }
}

/// `ManifestGraph.serviceURLUses(naming:)`: built before the rules run (`prepare`, from
/// `Checker.run`), and shared by every copy of the graph (which never changes after `init`). The
/// build fans out to the pool, so it never runs under the lock: a pool thread waiting on the lock
/// for a builder that waits on the pool would stall. A caller that finds it missing (a rule run
/// alone) builds its own copy. (`NSLock`, not `Mutex`: the package still builds for macOS 14.)
private final class ServiceURLIndex: @unchecked Sendable {
    private let lock = NSLock()
    struct Built {
        /// Per Service, the workloads (ascending indices) with a URL naming it; the URLs themselves
        /// are read again for those few, so the index stays a few bytes a workload.
        var byService: [NamespacedName: [Int32]]
        /// `ManifestGraph.workloadsWithUnresolvedServiceURLs()`.
        var unresolved: [Int32]
    }
    /// Guarded by `lock`.
    private var built: Built?

    func prepare(_ graph: ManifestGraph) -> Built {
        if let built = lock.withLock({ built }) { return built }
        let fresh = Self.build(graph)
        return lock.withLock {
            if let earlier = built { return earlier }
            built = fresh
            return fresh
        }
    }

    func uses(naming service: NamespacedName, in graph: ManifestGraph) -> [ResolvedURLUse] {
        let workloads = prepare(graph).byService[service] ?? []
        guard !workloads.isEmpty else { return [] }
        let namespaces = graph.namespaces
        return workloads.flatMap { index in
            graph.serviceURLUses(ofWorkload: Int(index), namespaces: namespaces).filter { $0.service == service }
        }
    }

    func unresolvedWorkloads(in graph: ManifestGraph) -> [Int32] {
        prepare(graph).unresolved
    }

    private static func build(_ graph: ManifestGraph) -> Built {
        let namespaces = graph.namespaces
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, graph.workloads.count / 256)
        let named = Array(graph.workloads.indices).parallelMap(workers: workers) {
            index -> (services: [NamespacedName], unresolved: Bool) in
            // A list, not a Set: a workload names a few Services (a Set costs a hashed insert each).
            var services: [NamespacedName] = []
            var unresolved = false
            for resolved in graph.serviceURLUses(ofWorkload: index, namespaces: namespaces) {
                guard let target = resolved.service else { continue }
                services.append(target)
                if !unresolved {
                    unresolved = !Self.resolves(resolved.use.url, to: target, in: graph)
                }
            }
            return (Self.distinct(services), unresolved)
        }
        var index: [NamespacedName: [Int32]] = [:]
        var unresolved: [Int32] = []
        for (workload, entry) in named.enumerated() {
            for service in entry.services { index[service, default: []].append(Int32(workload)) }
            if entry.unresolved { unresolved.append(Int32(workload)) }
        }
        return Built(byService: index, unresolved: unresolved)
    }

    /// The names without repeats, in first-seen order (linear for the usual few, hashed beyond).
    private static func distinct(_ names: [NamespacedName]) -> [NamespacedName] {
        guard names.count > 1 else { return names }
        var result: [NamespacedName] = []
        if names.count <= 16 {
            for name in names where !result.contains(name) { result.append(name) }
            return result
        }
        var seen = Set<NamespacedName>()
        for name in names where seen.insert(name).inserted { result.append(name) }
        return result
    }

    /// The Service exists and takes the URL's port (an ExternalName Service is a DNS alias: the
    /// client's port goes to the external name as written).
    private static func resolves(_ url: ServiceURL, to target: NamespacedName, in graph: ManifestGraph) -> Bool {
        guard let service = graph.service(named: target.name, in: target.namespace) else { return false }
        return service.type == "ExternalName" || service.ports.contains { $0.port == url.port }
    }
}

/// `ManifestGraph.objects(inFile:)`: shared by every copy of the graph, which never changes after
/// `init`. Two threads asking first may both build it; the first kept wins.
private final class FileIndex: @unchecked Sendable {
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var byFile: [String: [Int]]?

    func positions(in graph: ManifestGraph) -> [String: [Int]] {
        if let built = lock.withLock({ byFile }) { return built }
        var fresh: [String: [Int]] = [:]
        for (position, object) in graph.objects.enumerated() { fresh[object.file, default: []].append(position) }
        return lock.withLock {
            if let earlier = byFile { return earlier }
            byFile = fresh
            return fresh
        }
    }
}

/// A URL in a workload's container values, with the in-cluster Service its host names (nil for
/// hosts outside the cluster).
public struct ResolvedURLUse: Sendable {
    public var use: ServiceURLUse
    /// The workload's index in `ManifestGraph.workloads`.
    public var workloadIndex: Int
    public var service: NamespacedName?
}

public struct NamespacedName: Hashable, Sendable {
    public var namespace: String
    public var name: String
    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }
}
