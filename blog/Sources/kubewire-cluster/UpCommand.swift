import ArgumentParser
import Dispatch
import Foundation
import KubeDiagnostics
import KubeModel
import KubeReport
import KubeRules
import KubewireCLI
import LocalCluster

#if canImport(Glibc)
    import Glibc
#endif

struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract:
            "Run the manifests as a local cluster: a process per pod, a listener per Service, nginx as the ingress.",
        discussion: """
            Which executable runs each image comes from the skaffold artifacts (a build argument naming the \
            product, e.g. SERVICE: posts). Every process and listener gets a free loopback port; Service names \
            in env values are rewritten to the listeners. Ctrl-C or SIGTERM stops everything.
            """
    )

    @Argument(help: "Manifest files and folders, including skaffold.yaml.")
    var inputs: [String] = []

    @Option(name: .customLong("bin-dir"), help: "Folder with the built executables (e.g. .build/debug).")
    var binDirectory: String

    @Option(
        name: .customLong("state-dir"),
        help: "Folder for volumes, logs and the nginx config (default: a new temporary folder).")
    var stateDirectory: String?

    @Option(
        name: .customLong("ingress-port"),
        help: "Loopback port for the ingress (default: a free one); exit 2 when it is taken.")
    var ingressPort: Int = 0

    @Option(
        name: .customLong("ready-file"),
        help: "Write the endpoints as JSON to this file once every pod is ready and nginx serves the ingress.")
    var readyFile: String?

    @Option(name: .long, help: "nginx executable (default: from PATH or /usr/sbin).")
    var nginx: String?

    @Option(name: .customLong("ready-timeout"), help: "Seconds to wait for every readiness probe.")
    var readyTimeout: Int = 60

    @Option(
        name: .long,
        help:
            "Configuration file (default: .kubewire.yaml or .kubewire.yml in the current folder or the nearest parent up to the repository root), as for kubewire check."
    )
    var config: String?

    @Option(name: .long, help: "Namespace of objects that name none (default: the configuration's, else default).")
    var namespace: String?

    @Flag(
        name: .customLong("exit-with-parent"),
        help: "Stop everything when the process that started kubewire up dies (for test harnesses).")
    var exitWithParent = false

    func run() async throws {
        guard !inputs.isEmpty else {
            throw ValidationError("give the manifests to run, e.g. kubewire up infra/ skaffold.yaml")
        }
        guard (0...65535).contains(ingressPort) else { throw ValidationError("--ingress-port must be 0…65535") }
        guard readyTimeout > 0 else { throw ValidationError("--ready-timeout must be positive") }
        guard let nginxPath = nginx ?? RunOptions.findNginx() else {
            throw failure("nginx not found; install it (make deps) or pass --nginx", code: 2)
        }
        // The policy `kubewire check` would apply here: the same .kubewire.yaml, read the same way.
        let configured: Policy.Loaded
        do {
            configured = try Policy.load(configPath: config, flags: PolicyFlags(namespace: namespace))
        } catch {
            throw ValidationError(error.message)
        }
        if !configured.problems.isEmpty {
            let report = Report(
                diagnostics: [], configurationDiagnostics: configured.problems,
                rules: [PolicyFile.rule] + InputProblem.all, inputCount: 1, objectCount: 0)
            Console.error(render(report, as: .text, options: RenderOptions(color: false)))
            throw ExitCode(2)
        }
        let policy = configured.policy
        let loaded = ManifestLoader.load(
            inputs.map(ManifestInput.init(argument:)), options: LoadOptions(defaultNamespace: policy.namespace))
        if !loaded.problems.isEmpty {
            let report = Report(
                diagnostics: loaded.problems, rules: InputProblem.all, sources: loaded.sources,
                inputCount: loaded.inputNames.count, objectCount: loaded.graph.objects.count)
            Console.error(render(report, as: .text, options: RenderOptions(color: false)))
            throw ExitCode(2)
        }
        let findings = Checker(policy: policy).check(loaded.graph).filter { $0.severity == .error }
        for finding in findings {
            log("kubewire: warning: \(finding.span?.description ?? "-"): \(finding.message) [\(finding.ruleID)]")
        }
        let state =
            stateDirectory ?? (NSTemporaryDirectory() + "kubewire-up-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let plan: ClusterPlan
        do {
            plan = try ClusterPlan.make(
                graph: loaded.graph,
                options: PlanOptions(binDirectory: binDirectory, stateDirectory: state, policy: policy))
        } catch {
            throw failure("cannot plan the local cluster: \(error)", code: 2)
        }
        for warning in plan.warnings { log("kubewire: note: \(warning)") }
        let cluster = LocalCluster(
            plan: plan, graph: loaded.graph,
            options: RunOptions(
                nginxPath: nginxPath, stateDirectory: state, ingressPort: ingressPort,
                readyTimeout: .seconds(readyTimeout), log: log))
        let stop = SignalWaiter(watchParent: exitWithParent)
        let started = ContinuousClock.now
        let endpoints: ClusterEndpoints
        do {
            endpoints = try await cluster.start()
        } catch {
            await cluster.stop()
            // A manifest value nginx must not see, or an ingress port nginx cannot bind: the user's to fix (2).
            throw failure(
                "kubewire up: \(error)", code: error is NginxConfig.Refusal || error is IngressPortUnavailable ? 2 : 1)
        }
        let elapsed = ContinuousClock.now - started
        var summary =
            "kubewire: \(plan.pods.count) pods and \(plan.services.count) Services ready in \(elapsed.formatted(.units(allowed: [.seconds, .milliseconds])))\n"
        summary += "kubewire: ingress at \(endpoints.ingressURL)\n"
        for host in endpoints.hosts {
            summary +=
                "kubewire:   \(host): curl -H 'Host: \(host)' \(endpoints.ingressURL)/   (or open it with --host-resolver-rules=\"MAP \(host) 127.0.0.1:\(endpoints.ingressURL.split(separator: ":").last ?? "")\")\n"
        }
        summary += "kubewire: state, logs and nginx.conf in \(state); Ctrl-C to stop\n"
        Console.error(summary)
        if let readyFile {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(endpoints)
            let temporary = readyFile + ".tmp"
            try data.write(to: URL(fileURLWithPath: temporary))
            _ = rename(temporary, readyFile)
        }
        let signal = await stop.wait()
        log(
            "kubewire: \(signal == SIGINT ? "received SIGINT" : signal == SIGTERM ? "received SIGTERM" : "parent exited"); stopping"
        )
        await cluster.stop()
        log("kubewire: stopped")
    }

    private func log(_ line: String) {
        Console.error(line + "\n")
    }

    private func failure(_ message: String, code: Int32) -> ExitCode {
        log(message)
        return ExitCode(code)
    }
}

/// Waits for SIGINT or SIGTERM without the default handlers killing us, and
/// optionally for the parent to die (returning 0), so a test harness that is
/// killed outright still leaves no cluster behind.
final class SignalWaiter: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private var parentWatch: DispatchSourceTimer?
    private let queue = DispatchQueue(label: "kubewire.signals")
    private var continuation: CheckedContinuation<Int32, Never>?
    private var received: Int32?

    init(watchParent: Bool = false) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [weak self] in self?.fire(number) }
            source.resume()
            sources.append(source)
        }
        if watchParent {
            let parent = getppid()
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + .milliseconds(250), repeating: .milliseconds(250))
            timer.setEventHandler { [weak self] in
                if getppid() != parent { self?.fire(0) }
            }
            timer.resume()
            parentWatch = timer
        }
    }

    private func fire(_ number: Int32) {
        if let continuation {
            self.continuation = nil
            continuation.resume(returning: number)
        } else if received == nil {
            received = number
        }
    }

    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            queue.async {
                if let received = self.received {
                    continuation.resume(returning: received)
                } else {
                    self.continuation = continuation
                }
            }
        }
    }
}
