import AsyncHTTPClient
import Foundation
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// The six blog services as real processes on 127.0.0.1, each with a free port and its own
/// temporary `DATA_DIR`. `stopAll()` kills whatever is still running; call it in a `defer`.
final class BlogProcesses: @unchecked Sendable {
    static let services = ["event-bus", "posts", "comments", "moderation", "query", "client"]

    let binDirectory: URL
    let root: URL
    private(set) var ports: [String: Int] = [:]
    private var running: [String: Process] = [:]
    private let lock = NSLock()

    init() throws {
        let environment = ProcessInfo.processInfo.environment
        if let bin = environment["KUBEWIRE_BIN_DIR"], !bin.isEmpty {
            binDirectory = URL(fileURLWithPath: bin)
        } else {
            let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent()
            binDirectory = packageRoot.appendingPathComponent(".build/debug")
        }
        root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "blog-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for service in Self.services {
            ports[service] = try Self.freePort()
        }
    }

    func url(_ service: String) -> String {
        "http://127.0.0.1:\(ports[service] ?? 0)"
    }

    func environment(for service: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HOST"] = "127.0.0.1"
        environment["PORT"] = String(ports[service] ?? 0)
        environment["DATA_DIR"] = root.appendingPathComponent("data/\(service)").path
        environment["LOG_LEVEL"] = "warning"
        environment["EVENT_BUS_URL"] = url("event-bus")
        environment["QUERY_URL"] = url("query")
        environment["SUBSCRIBERS"] = ["posts", "comments", "query", "moderation"].map {
            "\(url($0))/events"
        }
        .joined(separator: ",")
        return environment
    }

    func start(_ service: String) throws {
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

    /// SIGTERM, or SIGKILL with `hard`, then waits for the process to be gone.
    func stop(_ service: String, hard: Bool = false) {
        guard let process = lock.withLock({ running.removeValue(forKey: service) }) else { return }
        if process.isRunning {
            kill(process.processIdentifier, hard ? SIGKILL : SIGTERM)
        }
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    func stopAll() {
        for service in lock.withLock({ Array(running.keys) }) { stop(service, hard: true) }
    }

    func removeFiles() {
        try? FileManager.default.removeItem(at: root)
    }

    func log(of service: String) -> String {
        (try? String(contentsOf: root.appendingPathComponent("\(service).log"), encoding: .utf8)) ?? ""
    }

    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw HarnessError("could not bind a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

struct HTTPResult {
    let status: UInt
    let body: Data

    func json<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: body)
    }
}

enum HTTP {
    static func get(_ url: String) async throws -> HTTPResult {
        try await send(HTTPClientRequest(url: url))
    }

    static func postJSON(_ url: String, _ object: some Encodable) async throws -> HTTPResult {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: Array(try JSONEncoder().encode(object))))
        return try await send(request)
    }

    private static func send(_ request: HTTPClientRequest) async throws -> HTTPResult {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 32 << 20)
        return HTTPResult(status: response.status.code, body: Data(body.readableBytesView))
    }
}

/// Polls until `condition` holds or `timeout` passes; errors count as "not yet".
func waitUntil(timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return true }
        try? await Task.sleep(for: .milliseconds(25))
    }
    return (try? await condition()) == true
}
