import Foundation
import KubeDiagnostics
import KubeModel
import KubeRules
import KubeYAML

/// What `kubewire up` will run, derived only from the manifests and the
/// skaffold config: processes for pods, listeners for Services, nginx
/// locations for Ingresses.
public struct ClusterPlan: Sendable {
    public var pods: [PodPlan]
    public var services: [ServicePlan]
    public var ingress: IngressPlan
    /// Things the plan could not honour but that do not stop the cluster.
    public var warnings: [String]
    /// ConfigMap and Secret references the checker proves broken: the pods
    /// would not start in a cluster, so the local cluster refuses to start too.
    public var brokenReferences: [Diagnostic] = []
    /// `brokenReferences` as `kubewire check` prints them; nil when there are none.
    public var brokenReferenceReport: String?
}

public struct PodPlan: Sendable {
    /// `posts-depl-0`: workload name and replica index.
    public var name: String
    public var namespace: String
    public var labels: [String: String]
    public var executable: String
    public var arguments: [String]
    /// Environment with ConfigMap and Secret values resolved, before Service names are rewritten.
    public var environment: [(name: String, value: String)]
    /// Container port number (and name) → local port.
    public var ports: [PlannedPort]
    public var volumes: [(mountPath: String, directory: String)]
    public var readiness: Probe?
    public var gracePeriodSeconds: Int

    public func localPort(for reference: PortReference, protocol: String = "TCP") -> Int? {
        switch reference {
        case .number(let number): ports.first { $0.containerPort == number && $0.protocol == `protocol` }?.localPort
        case .name(let name): ports.first { $0.name == name && $0.protocol == `protocol` }?.localPort
        }
    }
}

public struct PlannedPort: Sendable {
    public var containerPort: Int
    public var name: String?
    public var `protocol`: String
    public var localPort: Int
}

public struct ServicePlan: Sendable {
    public var name: String
    public var namespace: String
    /// One listener per Service port.
    public var ports: [ServicePortPlan]
}

public struct ServicePortPlan: Sendable {
    public var port: Int
    public var target: PortReference
    public var localPort: Int
    /// (pod name, local port) of every selected pod that declares the target.
    public var endpoints: [Endpoint]
}

public struct Endpoint: Sendable, Hashable {
    public var pod: String
    public var port: Int
}

public struct PlanError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

public struct PlanOptions: Sendable {
    /// Folder with the package's executables (`.build/debug`).
    public var binDirectory: String
    /// Folder for volumes, nginx config and logs.
    public var stateDirectory: String
    /// What `kubewire check` would apply (`.kubewire.yaml`): the references it proves broken, and
    /// so refuse the start, are the ones this policy reports as errors.
    public var policy: Policy

    public init(binDirectory: String, stateDirectory: String, policy: Policy = Policy()) {
        self.binDirectory = binDirectory
        self.stateDirectory = stateDirectory
        self.policy = policy
    }
}

extension ClusterPlan {
    public static func make(graph: ManifestGraph, options: PlanOptions) throws -> ClusterPlan {
        var warnings: [String] = []
        guard let skaffold = graph.skaffoldConfigs.first else {
            throw PlanError(
                "no skaffold Config among the inputs: it says which executable builds each image (pass skaffold.yaml)")
        }
        var pods: [PodPlan] = []
        var broken: [Diagnostic] = []
        let provenBroken = ContainerEnvironment.brokenReferences(in: graph, policy: options.policy)
        for workload in graph.workloads {
            let kind = workload.object.kind
            guard !["Job", "CronJob"].contains(kind) else {
                warnings.append(
                    "\(kind) \(workload.object.name) is not started: only long-running workloads run locally")
                continue
            }
            let containers = workload.template.containers.filter { !$0.isInit }
            guard containers.count == 1, let container = containers.first else {
                throw PlanError(
                    "\(kind) \(workload.object.name) has \(containers.count) containers; the local cluster runs exactly one per pod"
                )
            }
            let executable = try executable(for: container, workload: workload, skaffold: skaffold, options: options)
            if !container.command.isEmpty {
                throw PlanError(
                    "container \(container.name ?? "?") of \(workload.object.name) overrides `command`; the local cluster runs the image's entrypoint with `args` only"
                )
            }
            let arguments = container.args.compactMap(\.scalar)
            let resolved = try ContainerEnvironment(container, of: workload, graph: graph, broken: provenBroken)
            warnings += resolved.warnings
            broken += resolved.broken
            let environment = resolved.variables
            let replicas = kind == "Pod" ? 1 : max(0, workload.replicas)
            let grace = workload.template.specNode?["terminationGracePeriodSeconds"]?.int ?? 10
            for replica in 0..<replicas {
                let podName =
                    replicas == 1 && kind == "Pod" ? workload.object.name : "\(workload.object.name)-\(replica)"
                var ports: [PlannedPort] = []
                for port in container.ports {
                    guard let number = port.number else { continue }
                    ports.append(
                        PlannedPort(
                            containerPort: number, name: port.name, protocol: port.protocol,
                            localPort: try PortAllocator.freePort()))
                }
                let volumes = (container.node["volumeMounts"]?.items ?? []).compactMap { mount -> (String, String)? in
                    guard let path = mount["mountPath"]?.string, let volume = mount["name"]?.string else { return nil }
                    let directory =
                        options.stateDirectory + "/volumes/\(workload.object.namespace)/\(podName)/\(safeName(volume))"
                    return (path, directory)
                }
                pods.append(
                    PodPlan(
                        name: podName, namespace: workload.object.namespace, labels: workload.podLabels,
                        executable: executable, arguments: arguments, environment: environment, ports: ports,
                        volumes: volumes, readiness: container.probes.first { $0.kind == .readiness },
                        gracePeriodSeconds: grace))
            }
        }
        var services: [ServicePlan] = []
        for service in graph.services where service.type != "ExternalName" {
            let selected =
                service.selector.isEmpty
                ? []
                : pods.filter { pod in
                    pod.namespace == service.object.namespace && service.selects(pod.labels)
                }
            var ports: [ServicePortPlan] = []
            for port in service.ports {
                guard let number = port.port, let target = port.effectiveTarget else { continue }
                let endpoints = selected.compactMap { pod in
                    pod.localPort(for: target, protocol: port.protocol).map { Endpoint(pod: pod.name, port: $0) }
                }
                ports.append(
                    ServicePortPlan(
                        port: number, target: target, localPort: try PortAllocator.freePort(), endpoints: endpoints))
            }
            services.append(ServicePlan(name: service.object.name, namespace: service.object.namespace, ports: ports))
        }
        let ingress = try IngressPlan.make(graph: graph, services: services)
        return ClusterPlan(
            pods: pods, services: services, ingress: ingress, warnings: warnings, brokenReferences: broken,
            brokenReferenceReport: report(broken, in: graph))
    }

    /// The executable that runs `container`'s image: the skaffold artifact
    /// building that image names it in a build argument (or by its last
    /// path component), and it must exist in the bin folder.
    static func executable(
        for container: Container, workload: Workload, skaffold: SkaffoldConfig, options: PlanOptions
    ) throws -> String {
        guard let image = container.image else {
            throw PlanError("container \(container.name ?? "?") of \(workload.object.name) has no image")
        }
        let key = SkaffoldConfig.imageKey(image)
        guard let artifact = skaffold.artifacts.first(where: { SkaffoldConfig.imageKey($0.image) == key }) else {
            throw PlanError(
                "image \(image) of \(workload.object.name) is built by no skaffold artifact, so no local executable is known for it"
            )
        }
        let candidates =
            artifact.buildArgs.keys.sorted().compactMap { artifact.buildArgs[$0] }
            + [String(key.split(separator: "/").last ?? Substring(key))]
        for candidate in candidates where isSafeExecutableName(candidate) {
            let path = options.binDirectory + "/" + candidate
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw PlanError(
            "no executable for image \(image) in \(options.binDirectory) (looked for \(candidates.joined(separator: ", "))); build the package first"
        )
    }

    /// Build-argument values become file names: no paths, no dot-dot.
    static func isSafeExecutableName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.first != "."
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
    }

    static func safeName(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "_" })
    }
}
