import AsyncHTTPClient
import Foundation
import KubeModel
import Logging
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

public struct RunOptions: Sendable {
    public var nginxPath: String
    public var stateDirectory: String
    /// Local port for the ingress (0: pick a free one).
    public var ingressPort: Int
    /// How long to wait for every readiness probe.
    public var readyTimeout: Duration
    /// Where process output goes, one prefixed line at a time.
    public var log: @Sendable (String) -> Void

    public init(
        nginxPath: String, stateDirectory: String, ingressPort: Int = 0, readyTimeout: Duration = .seconds(60),
        log: @escaping @Sendable (String) -> Void
    ) {
        self.nginxPath = nginxPath
        self.stateDirectory = stateDirectory
        self.ingressPort = ingressPort
        self.readyTimeout = readyTimeout
        self.log = log
    }

    /// nginx from PATH or the Debian location.
    public static func findNginx() -> String? {
        ExecutableLookup.find("nginx", alsoIn: ["/usr/sbin", "/usr/local/sbin"])
    }
}

public struct RunError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// One running process with its restart policy (like a kubelet's).
final class ManagedProcess: @unchecked Sendable {
    let name: String
    let executable: String
    let arguments: [String]
    let environment: [String: String]
    let gracePeriod: Duration
    let log: @Sendable (String) -> Void
    let restartOnExit: Bool

    private let lock = NSLock()
    private var process: Process?
    private var stopping = false
    private var restarts = 0
    private var firstExitDescription: String?

    init(
        name: String, executable: String, arguments: [String], environment: [String: String], gracePeriod: Duration,
        restartOnExit: Bool, log: @escaping @Sendable (String) -> Void
    ) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.gracePeriod = gracePeriod
        self.restartOnExit = restartOnExit
        self.log = log
    }

    var pid: Int32? { lock.withLock { process?.processIdentifier } }

    /// How the process ended the first time it did (`exited with status 1`), nil while it never has.
    var firstExit: String? { lock.withLock { firstExitDescription } }

    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let lines = LineSplitter(prefix: "[\(name)] ", sink: log)
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                lines.finish()
            } else {
                lines.feed(data)
            }
        }
        process.terminationHandler = { [weak self] finished in
            self?.exited(status: finished.terminationStatus, reason: finished.terminationReason)
        }
        try process.run()
        lock.withLock { self.process = process }
    }

    private func exited(status: Int32, reason: Process.TerminationReason) {
        let how = reason == .uncaughtSignal ? "was killed by signal \(status)" : "exited with status \(status)"
        let (stopping, attempt) = lock.withLock { () -> (Bool, Int) in
            restarts += 1
            if firstExitDescription == nil { firstExitDescription = how }
            return (self.stopping, restarts)
        }
        guard !stopping else { return }
        guard restartOnExit else {
            log("[\(name)] \(how)")
            return
        }
        let delay = min(10.0, 0.5 * pow(2.0, Double(min(attempt - 1, 5))))
        log("[\(name)] \(how); restarting in \(delay)s (restart \(attempt))")
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [weak self] in
            guard let self, !self.lock.withLock({ self.stopping }) else { return }
            do { try self.start() } catch { self.log("[\(self.name)] restart failed: \(error)") }
        }
    }

    /// SIGTERM, then SIGKILL after the grace period.
    func stop() async {
        let process = lock.withLock { () -> Process? in
            stopping = true
            return self.process
        }
        guard let process, process.isRunning else { return }
        let pid = process.processIdentifier
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + gracePeriod
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            log("[\(name)] did not stop within the grace period; sending SIGKILL")
            kill(pid, SIGKILL)
            while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        }
    }
}

/// Turns a byte stream into prefixed lines.
final class LineSplitter: @unchecked Sendable {
    private let prefix: String
    private let sink: @Sendable (String) -> Void
    private var buffer = Data()
    private let lock = NSLock()

    init(prefix: String, sink: @escaping @Sendable (String) -> Void) {
        self.prefix = prefix
        self.sink = sink
    }

    func feed(_ data: Data) {
        let lines: [Data] = lock.withLock {
            buffer.append(data)
            var lines: [Data] = []
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(buffer[buffer.startIndex..<newline])
                buffer = Data(buffer[buffer.index(after: newline)...])
            }
            return lines
        }
        for line in lines { sink(prefix + String(decoding: line, as: UTF8.self)) }
    }

    func finish() {
        let rest = lock.withLock { () -> Data in
            defer { buffer = Data() }
            return buffer
        }
        if !rest.isEmpty { sink(prefix + String(decoding: rest, as: UTF8.self)) }
    }
}
