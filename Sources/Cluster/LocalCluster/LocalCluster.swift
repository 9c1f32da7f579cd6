import AsyncHTTPClient
import Foundation
import KubeModel
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Where a started cluster can be reached.
public struct ClusterEndpoints: Sendable, Codable {
    /// `http://127.0.0.1:PORT`: nginx, the ingress.
    public var ingressURL: String
    /// Ingress hosts served, e.g. `posts.com`.
    public var hosts: [String]
    /// `namespace/service:port` → local listener URL.
    public var services: [String: String]
    public var stateDirectory: String
}

/// Runs a `ClusterPlan` as local processes: pods, Service listeners, and
/// nginx as the ingress. `stop()` ends everything it started.
public final class LocalCluster: @unchecked Sendable {
    public let plan: ClusterPlan
    private let graph: ManifestGraph
    private let options: RunOptions
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var proxies: [String: ServiceProxy] = [:]
    private var processes: [ManagedProcess] = []
    private var readinessTasks: [Task<Void, Never>] = []
    private var nginx: ManagedProcess?
    private let client: HTTPClient

    public init(plan: ClusterPlan, graph: ManifestGraph, options: RunOptions) {
        self.plan = plan
        self.graph = graph
        self.options = options
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(1), read: .seconds(2))
        client = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: configuration)
    }

    public func start() async throws -> ClusterEndpoints {
        // A pod with a broken ConfigMap or Secret key would not start in a
        // cluster either: refuse with the checker's own findings.
        if let report = plan.brokenReferenceReport { throw RunError("refusing to start:\n" + report) }
        let state = options.stateDirectory
        for folder in [
            "", "/volumes", "/logs", "/nginx-body", "/nginx-proxy", "/nginx-fastcgi", "/nginx-uwsgi", "/nginx-scgi",
        ] {
            try FileManager.default.createDirectory(atPath: state + folder, withIntermediateDirectories: true)
        }
        // Refuse bad manifest values before anything starts.
        let ingressPort = options.ingressPort == 0 ? try PortAllocator.freePort() : options.ingressPort
        let config = try NginxConfig(plan: plan.ingress, listenPort: ingressPort, stateDirectory: state).render()

        for service in plan.services {
            for port in service.ports {
                let proxy = ServiceProxy(
                    name: "\(service.namespace)/\(service.name):\(port.port)", listenPort: port.localPort,
                    endpoints: port.endpoints, group: group)
                try await proxy.start()
                proxies[proxy.name] = proxy
            }
        }
        for pod in plan.pods {
            let process = ManagedProcess(
                name: pod.name, executable: pod.executable, arguments: pod.arguments,
                environment: try environment(for: pod),
                gracePeriod: .seconds(pod.gracePeriodSeconds), restartOnExit: true, log: options.log)
            try process.start()
            processes.append(process)
        }
        try await waitUntilReady()

        let configPath = state + "/nginx.conf"
        try Data(config.utf8).write(to: URL(fileURLWithPath: configPath))
        let test = try runToCompletion(options.nginxPath, ["-t", "-q", "-p", state, "-c", configPath])
        guard test.status == 0 else {
            throw RunError("nginx refused the rendered configuration (\(configPath)):\n\(test.output)")
        }
        let nginx = ManagedProcess(
            name: "ingress-nginx", executable: options.nginxPath, arguments: ["-p", state, "-c", configPath],
            environment: [:], gracePeriod: .seconds(5), restartOnExit: true, log: options.log)
        try nginx.start()
        self.nginx = nginx
        try await waitForListener(port: ingressPort, what: "nginx")

        var services: [String: String] = [:]
        for service in plan.services {
            for port in service.ports {
                services["\(service.namespace)/\(service.name):\(port.port)"] = "http://127.0.0.1:\(port.localPort)"
            }
        }
        return ClusterEndpoints(
            ingressURL: "http://127.0.0.1:\(ingressPort)",
            hosts: plan.ingress.servers.map(\.host).filter { $0 != "_" }, services: services, stateDirectory: state)
    }

    /// Stops nginx, then every pod (SIGTERM, SIGKILL after its grace period), then the listeners.
    public func stop() async {
        for task in readinessTasks { task.cancel() }
        await nginx?.stop()
        await withTaskGroup(of: Void.self) { group in
            for process in processes { group.addTask { await process.stop() } }
        }
        for proxy in proxies.values { await proxy.stop() }
        try? await client.shutdown()
        try? await group.shutdownGracefully()
    }

    // MARK: - environment

    /// The manifest's env with cluster names made local: Service URLs point
    /// at the Service listeners, `*PORT` values equal to a containerPort at
    /// the pod's local port, mount paths at the pod's volume folders.
    func environment(for pod: PodPlan) throws -> [String: String] {
        var result: [String: String] = [:]
        for key in ["PATH", "HOME", "LANG", "TMPDIR"] {
            if let value = ProcessInfo.processInfo.environment[key] { result[key] = value }
        }
        let namespaces = graph.namespaces
        for (name, original) in pod.environment {
            var value = original
            for url in ServiceURL.find(in: original) {
                guard
                    let target = url.serviceTarget(
                        defaultNamespace: pod.namespace, knownNamespaces: namespaces, graph: graph),
                    let proxy = proxies["\(target.namespace)/\(target.name):\(url.port)"]
                else { continue }
                value = value.replacingOccurrences(
                    of: url.text, with: url.replacingAuthority(with: "127.0.0.1:\(proxy.listenPort)"))
            }
            if name == "PORT" || name.hasSuffix("_PORT"), let number = Int(value),
                let port = pod.ports.first(where: { $0.containerPort == number })
            {
                value = String(port.localPort)
            }
            for (mountPath, directory) in pod.volumes where value == mountPath || value.hasPrefix(mountPath + "/") {
                value = directory + value.dropFirst(mountPath.count)
            }
            result[name] = value
        }
        for (_, directory) in pod.volumes {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        // Pods have their own address in a cluster; locally they share loopback.
        result["HOST"] = "127.0.0.1"
        return result
    }

    // MARK: - readiness

    private func waitUntilReady() async throws {
        let deadline = ContinuousClock.now + options.readyTimeout
        var pending = Set(plan.pods.map(\.name))
        while !pending.isEmpty {
            for pod in plan.pods where pending.contains(pod.name) {
                if await isReady(pod) {
                    pending.remove(pod.name)
                    markReady(pod, true)
                }
            }
            if pending.isEmpty { break }
            guard ContinuousClock.now < deadline else {
                throw RunError("not ready within \(options.readyTimeout): \(pending.sorted().joined(separator: ", "))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        // Keep probing, as the kubelet does: a pod that stops answering leaves its Services.
        for pod in plan.pods {
            readinessTasks.append(
                Task { [weak self] in
                    var wasReady = true
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        guard let self else { return }
                        let ready = await self.isReady(pod)
                        if ready != wasReady {
                            self.markReady(pod, ready)
                            self.options.log("[\(pod.name)] \(ready ? "ready" : "not ready")")
                            wasReady = ready
                        }
                    }
                })
        }
    }

    private func markReady(_ pod: PodPlan, _ ready: Bool) {
        for service in plan.services {
            for port in service.ports {
                for endpoint in port.endpoints where endpoint.pod == pod.name {
                    proxies["\(service.namespace)/\(service.name):\(port.port)"]?.setReady(endpoint, ready)
                }
            }
        }
    }

    private func isReady(_ pod: PodPlan) async -> Bool {
        guard let probe = pod.readiness else {
            // No probe: ready once every declared port accepts connections.
            for port in pod.ports where !(await accepts(port: port.localPort)) { return false }
            return true
        }
        guard let reference = probe.port, let port = pod.localPort(for: reference) else { return false }
        switch probe.handler {
        case .httpGet:
            let path = probe.path.hasPrefix("/") ? probe.path : "/" + probe.path
            guard let response = try? await client.get(url: "http://127.0.0.1:\(port)\(path)").get() else {
                return false
            }
            return (200..<400).contains(response.status.code)
        case .tcpSocket, .grpc:
            return await accepts(port: port)
        }
    }

    private func accepts(port: Int) async -> Bool {
        guard
            let channel = try? await ClientBootstrap(group: group).connectTimeout(.milliseconds(500))
                .connect(host: "127.0.0.1", port: port).get()
        else { return false }
        try? await channel.close()
        return true
    }

    private func waitForListener(port: Int, what: String) async throws {
        let deadline = ContinuousClock.now + .seconds(15)
        while !(await accepts(port: port)) {
            guard ContinuousClock.now < deadline else {
                throw RunError("\(what) did not start listening on port \(port)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private func runToCompletion(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
