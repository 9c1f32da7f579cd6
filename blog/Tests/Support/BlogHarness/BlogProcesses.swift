import Foundation
import LocalCluster

#if canImport(Glibc)
    import Glibc
#endif

/// The six blog services as real processes on 127.0.0.1, for the integration tests and the
/// benchmark: each gets a free port and its own `DATA_DIR` under a temporary root, and logs to
/// `<root>/<service>.log`. `running` is guarded by `lock` because a signal handler may stop the
/// processes from another thread; call `stopAll()` in a `defer`.
public final class BlogProcesses: @unchecked Sendable {
    public static let services = ["event-bus", "posts", "comments", "moderation", "query", "client"]

    public let binDirectory: URL
    public let root: URL
    public private(set) var ports: [String: Int] = [:]
    private var running: [String: Process] = [:]
    private let lock = NSLock()

    /// The services' `LOG_LEVEL`.
    public let logLevel: String

    /// - Parameter label: names the temporary root, so a leftover directory says who made it.
    /// - Parameter logLevel: `warning` by default: request lines at info would make a load test
    ///   measure the log as well.
    public init(binDirectory: URL, label: String, logLevel: String = "warning") throws {
        self.binDirectory = binDirectory
        self.logLevel = logLevel
        root = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for service in Self.services {
            ports[service] = try PortAllocator.freePort()
        }
    }

    public func url(_ service: String) -> String {
        "http://127.0.0.1:\(ports[service] ?? 0)"
    }

    public func environment(for service: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HOST"] = "127.0.0.1"
        environment["PORT"] = String(ports[service] ?? 0)
        environment["DATA_DIR"] = root.appendingPathComponent("data/\(service)").path
        environment["LOG_LEVEL"] = logLevel
        environment["EVENT_BUS_URL"] = url("event-bus")
        environment["QUERY_URL"] = url("query")
        environment["SUBSCRIBERS"] = ["posts", "comments", "query", "moderation"].map {
            "\(url($0))/events"
        }
        .joined(separator: ",")
        return environment
    }

    public func processIdentifier(_ service: String) -> Int32? {
        lock.withLock { running[service]?.processIdentifier }
    }

    /// Starts `service`, appending to its log, so a restarted service keeps its earlier lines.
    public func start(_ service: String) throws {
        let executable = binDirectory.appendingPathComponent(service)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw HarnessError("no executable at \(executable.path); build first (swift build)")
        }
        let process = Process()
        process.executableURL = executable
        process.environment = environment(for: service)
        let logURL = root.appendingPathComponent("\(service).log")
        if !FileManager.default.fileExists(atPath: logURL.path) {
            guard FileManager.default.createFile(atPath: logURL.path, contents: nil) else {
                throw HarnessError("cannot create \(logURL.path)")
            }
        }
        let log = try FileHandle(forWritingTo: logURL)
        log.seekToEndOfFile()
        process.standardError = log
        process.standardOutput = log
        try process.run()
        lock.withLock { running[service] = process }
    }

    /// Starts every service, then waits until each answers `/readyz` with 200.
    public func startAll(readyWithin timeout: Duration = .seconds(20)) async throws {
        for service in Self.services { try start(service) }
        for service in Self.services {
            guard await isReady(service, within: timeout) else {
                throw HarnessError("\(service) did not become ready; see \(root.path)/\(service).log")
            }
        }
    }

    /// Whether `service` answers `/readyz` with 200 within `timeout`.
    public func isReady(_ service: String, within timeout: Duration = .seconds(15)) async -> Bool {
        await waitUntil(timeout: timeout) { try await HTTP.get("\(self.url(service))/readyz").status == 200 }
    }

    /// SIGTERM, or SIGKILL with `hard`, then waits for the process to be gone
    /// (SIGKILL after five seconds if SIGTERM was not enough).
    public func stop(_ service: String, hard: Bool = false) {
        guard let process = lock.withLock({ running.removeValue(forKey: service) }) else { return }
        if process.isRunning {
            kill(process.processIdentifier, hard ? SIGKILL : SIGTERM)
        }
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    public func stopAll() {
        for service in lock.withLock({ Array(running.keys) }) { stop(service, hard: true) }
    }

    public func removeFiles() {
        try? FileManager.default.removeItem(at: root)
    }

    public func log(of service: String) -> String {
        (try? String(contentsOf: root.appendingPathComponent("\(service).log"), encoding: .utf8)) ?? ""
    }
}

public struct HarnessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
