import AsyncHTTPClient
import Foundation
import KubeModel
import NIOConcurrencyHelpers
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

/// The ingress port cannot be had: another process listens there (or binding it is not
/// permitted), so nginx could not bind to it. `kubewire up` exits 2 on it.
public struct IngressPortUnavailable: Error, CustomStringConvertible {
    public var port: Int
    /// Why, in the system's words (`Address already in use`, or nginx's own error line).
    public var reason: String

    public var description: String {
        "ingress port \(port) on 127.0.0.1 cannot be used: \(reason); nginx could not bind to it. "
            + "Stop what listens there (`ss -ltnp 'sport = :\(port)'` names it) or choose another --ingress-port "
            + "(leave it out for a free one)."
    }
}

/// Runs a `ClusterPlan` as local processes: pods, Service listeners, and
/// nginx as the ingress. `stop()` ends everything it started. An actor: starting,
/// stopping and the readiness loops all change the sets of processes and listeners.
public actor LocalCluster {
    public nonisolated let plan: ClusterPlan
    private nonisolated let graph: ManifestGraph
    private nonisolated let options: RunOptions
    private nonisolated let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private nonisolated let client: HTTPClient
    /// Answered by nginx itself at `NginxConfig.readinessPath`, so that readiness means nginx
    /// serves on the ingress port, not whatever else might listen there.
    nonisolated let readinessToken = (0..<4).map { _ in String(UInt32.random(in: 0...UInt32.max), radix: 16) }
        .joined()
    private var proxies: [String: ServiceProxy] = [:]
    private var processes: [ManagedProcess] = []
    private var readinessTasks: [Task<Void, Never>] = []
    private var nginx: ManagedProcess?
    private var stopped = false

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
        // A taken ingress port fails now, before any pod starts (and again when nginx binds it).
        if options.ingressPort != 0 { try PortAllocator.checkBindable(port: options.ingressPort) }
        let state = options.stateDirectory
        for folder in [
            "", "/volumes", "/logs", "/nginx-body", "/nginx-proxy", "/nginx-fastcgi", "/nginx-uwsgi", "/nginx-scgi",
        ] {
            try FileManager.default.createDirectory(atPath: state + folder, withIntermediateDirectories: true)
        }
        // Refuse bad manifest values before anything starts.
        let ingressPort = options.ingressPort == 0 ? try PortAllocator.freePort() : options.ingressPort
        let config = try NginxConfig(
            plan: plan.ingress, listenPort: ingressPort, stateDirectory: state, readinessToken: readinessToken
        ).render()

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
        let test = try Self.runToCompletion(options.nginxPath, ["-t", "-q", "-p", state, "-c", configPath])
        guard test.status == 0 else {
            if let taken = Self.bindFailure(in: test.output, port: ingressPort) { throw taken }
            throw RunError("nginx refused the rendered configuration (\(configPath)):\n\(test.output)")
        }
        try await startNginx(configPath: configPath, port: ingressPort)

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

    /// Starts nginx on `configPath` and returns once nginx itself answers its readiness
    /// location on `port`. nginx exiting first (it restarts, like a pod, but a bind failure would
    /// restart forever) is a failure that quotes its error log.
    func startNginx(configPath: String, port: Int, timeout: Duration = .seconds(15)) async throws {
        let state = options.stateDirectory
        let errorLog = state + "/nginx-error.log"
        let logStart = (try? FileManager.default.attributesOfItem(atPath: errorLog)[.size] as? Int) ?? 0
        if options.ingressPort != 0 { try PortAllocator.checkBindable(port: port) }
        // nginx reports a failed bind on stderr as well as in its error log: keep both.
        let output = NIOLockedValueBox<[String]>([])
        let log = options.log
        let nginx = ManagedProcess(
            name: "ingress-nginx", executable: options.nginxPath, arguments: ["-p", state, "-c", configPath],
            environment: [:], gracePeriod: .seconds(5), restartOnExit: true,
            log: { line in
                output.withLockedValue { if $0.count < 200 { $0.append(line) } }
                log(line)
            })
        try nginx.start()
        self.nginx = nginx
        let deadline = ContinuousClock.now + timeout
        while true {
            if let exit = nginx.firstExit {
                await nginx.stop()
                let errors = Self.newText(of: errorLog, from: logStart)
                let said = errors + "\n" + output.withLockedValue { $0.joined(separator: "\n") }
                if let taken = Self.bindFailure(in: said, port: port) { throw taken }
                let lines = errors.split(separator: "\n").suffix(5).joined(separator: "\n")
                throw RunError("nginx \(exit) before serving on port \(port)\(lines.isEmpty ? "" : ":\n" + lines)")
            }
            if await nginxAnswers(port: port) { return }
            guard ContinuousClock.now < deadline else {
                await nginx.stop()
                if await Self.accepts(port: port, group: group) {
                    throw IngressPortUnavailable(
                        port: port,
                        reason: "another process answers there, not nginx (checked with \(NginxConfig.readinessHost))")
                }
                throw RunError("nginx did not answer on port \(port) within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Whether nginx, not something else, answers on `port`: its readiness location returns this
    /// run's token.
    private func nginxAnswers(port: Int) async -> Bool {
        guard
            var request = try? HTTPClient.Request(
                url: "http://127.0.0.1:\(port)\(NginxConfig.readinessPath)", method: .GET)
        else { return false }
        request.headers.replaceOrAdd(name: "Host", value: NginxConfig.readinessHost)
        guard let response = try? await client.execute(request: request).get(), response.status == .ok,
            let body = response.body
        else { return false }
        return String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines) == readinessToken
    }

    /// nginx's own words when it could not bind `port` (`bind() to 127.0.0.1:N failed (98: Address
    /// already in use)`), as an `IngressPortUnavailable`.
    static func bindFailure(in output: String, port: Int) -> IngressPortUnavailable? {
        guard
            let line = output.split(separator: "\n").first(where: {
                $0.contains("bind()") && $0.contains(":\(port)")
            })
        else { return nil }
        let reason =
            line.range(of: "failed (").map { line[$0.upperBound...].dropLast(line.hasSuffix(")") ? 1 : 0) }
            .map { $0.drop(while: { $0.isNumber || $0 == ":" || $0 == " " }) }.map(String.init) ?? String(line)
        return IngressPortUnavailable(port: port, reason: reason.lowercased())
    }

    private static func newText(of path: String, from offset: Int) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(max(0, offset)))
        return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
    }

    /// Stops nginx, then every pod (SIGTERM, SIGKILL after its grace period), then the listeners.
    /// Stopping twice is harmless.
    public func stop() async {
        guard !stopped else { return }
        stopped = true
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
                            await self.markReady(pod, ready)
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

    private nonisolated func isReady(_ pod: PodPlan) async -> Bool {
        guard let probe = pod.readiness else {
            // No probe: ready once every declared port accepts connections.
            for port in pod.ports where !(await Self.accepts(port: port.localPort, group: group)) { return false }
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
            return await Self.accepts(port: port, group: group)
        }
    }

    private static func accepts(port: Int, group: any EventLoopGroup) async -> Bool {
        guard
            let channel = try? await ClientBootstrap(group: group).connectTimeout(.milliseconds(500))
                .connect(host: "127.0.0.1", port: port).get()
        else { return false }
        try? await channel.close()
        return true
    }

    private static func runToCompletion(_ executable: String, _ arguments: [String]) throws -> (
        status: Int32, output: String
    ) {
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
