import AsyncHTTPClient
import Foundation
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The six services as processes on 127.0.0.1 with free ports and temporary data directories.
/// `running` is guarded by `lock` because a signal handler may stop them from another thread.
final class ServiceProcesses: @unchecked Sendable {
    static let services = ["event-bus", "posts", "comments", "moderation", "query", "client"]

    let binDirectory: String
    let root: String
    private(set) var ports: [String: Int] = [:]
    private var running: [String: Process] = [:]
    private let lock = NSLock()

    init(binDirectory: String) throws {
        self.binDirectory = binDirectory
        root = NSTemporaryDirectory() + "blog-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for service in Self.services { ports[service] = try freePort() }
    }

    func url(_ service: String) -> String { "http://127.0.0.1:\(ports[service] ?? 0)" }

    func processIdentifier(_ service: String) -> Int32? {
        lock.withLock { running[service]?.processIdentifier }
    }

    func startAll() async throws {
        for service in Self.services { try start(service) }
        for service in Self.services {
            let ready = await poll(timeout: .seconds(20)) {
                try await HTTP.get("\(self.url(service))/readyz").status == 200
            }
            guard ready else {
                throw BenchError("\(service) did not become ready; see \(root)/\(service).log")
            }
        }
    }

    func start(_ service: String) throws {
        let path = "\(binDirectory)/\(service)"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw BenchError("no executable at \(path); build with swift build -c release")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["HOST"] = "127.0.0.1"
        environment["PORT"] = String(ports[service] ?? 0)
        environment["DATA_DIR"] = "\(root)/data/\(service)"
        // Request lines at info would make the benchmark measure stderr; the Node baseline logs nothing either.
        environment["LOG_LEVEL"] = "warning"
        environment["EVENT_BUS_URL"] = url("event-bus")
        environment["QUERY_URL"] = url("query")
        environment["SUBSCRIBERS"] = ["posts", "comments", "query", "moderation"].map {
            "\(url($0))/events"
        }
        .joined(separator: ",")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.environment = environment
        FileManager.default.createFile(atPath: "\(root)/\(service).log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(root)/\(service).log"))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        lock.withLock { running[service] = process }
    }

    func stopAll() {
        let processes = lock.withLock {
            defer { running.removeAll() }
            return Array(running.values)
        }
        for process in processes where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    func removeFiles() {
        try? FileManager.default.removeItem(atPath: root)
    }
}

func freePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw BenchError("socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
        }
    }
    guard bound else { throw BenchError("could not bind a free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

struct HTTPResult {
    let status: UInt
    let body: [UInt8]
}

enum HTTP {
    static func get(_ url: String) async throws -> HTTPResult {
        try await send(HTTPClientRequest(url: url))
    }

    static func postJSON(_ url: String, _ object: [String: String]) async throws -> HTTPResult {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: Array(try JSONEncoder().encode(object))))
        return try await send(request)
    }

    private static func send(_ request: HTTPClientRequest) async throws -> HTTPResult {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 64 << 20)
        return HTTPResult(status: response.status.code, body: Array(body.readableBytesView))
    }
}

func poll(
    timeout: Duration, interval: Duration = .milliseconds(20), _ condition: () async throws -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return true }
        try? await Task.sleep(for: interval)
    }
    return false
}
