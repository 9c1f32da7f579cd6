import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

#if canImport(Glibc)
    import Glibc
#endif

enum Paths {
    /// The blog package (blog/), from this file's path (blog/Tests/EndToEndTests/Support.swift).
    static let blogPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// The repository (infra/, skaffold.yaml): `$KUBEWIRE_ROOT`, else the folder above blog/.
    static let root: String = {
        if let root = ProcessInfo.processInfo.environment["KUBEWIRE_ROOT"], !root.isEmpty { return root }
        return blogPackage.deletingLastPathComponent().path
    }()
    /// kubewire, kubewire-cluster and the six services, side by side (`make test` builds them all in blog/.build).
    static let binDirectory: String = {
        if let bin = ProcessInfo.processInfo.environment["KUBEWIRE_BIN_DIR"], !bin.isEmpty { return bin }
        return blogPackage.path + "/.build/debug"
    }()
    static let kubewire = binDirectory + "/kubewire"
    /// Screenshots and logs kept after the run.
    static let artifacts = root + "/artifacts"

    static func temporaryDirectory(_ label: String) throws -> String {
        let path = NSTemporaryDirectory() + "kubewire-e2e-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

struct ProcessResult {
    var status: Int32
    var output: String
    var errors: String
}

/// Starts a child with no signal blocked: Foundation spawns with the calling
/// thread's mask, and test-runner threads block SIGTERM, which the child would
/// inherit and so never stop when asked.
func launch(_ process: Process) throws {
    var none = sigset_t()
    var saved = sigset_t()
    sigemptyset(&none)
    pthread_sigmask(SIG_SETMASK, &none, &saved)
    defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
    try process.run()
}

/// Runs a program to completion (never through a shell), in `directory` when given.
func run(
    _ executable: String, _ arguments: [String], in directory: String? = nil, timeout: Duration = .seconds(120)
) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try launch(process)
    let outputData = ReadAll(output.fileHandleForReading)
    let errorData = ReadAll(errors.fileHandleForReading)
    let deadline = ContinuousClock.now + timeout
    while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus, output: outputData.wait(), errors: errorData.wait())
}

/// Drains a pipe on a background thread so a chatty child never blocks.
final class ReadAll: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    @discardableResult
    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> String {
        done.wait()
        done.signal()
        return String(decoding: data, as: UTF8.self)
    }
}

struct ReadyInfo: Decodable {
    var ingressURL: String
    var hosts: [String]
    var services: [String: String]
    var stateDirectory: String
}

/// `kubewire up` as a child process, stopped with SIGTERM like a user's Ctrl-C.
final class UpProcess {
    let process = Process()
    let stateDirectory: String
    let readyFile: String
    let log: ReadAll
    var info: ReadyInfo?

    init(inputs: [String]) throws {
        stateDirectory = try Paths.temporaryDirectory("state")
        readyFile = stateDirectory + "/ready.json"
        process.executableURL = URL(fileURLWithPath: Paths.kubewire)
        process.arguments =
            ["up"] + inputs + [
                "--bin-dir", Paths.binDirectory, "--state-dir", stateDirectory, "--ready-file", readyFile,
                "--exit-with-parent",
            ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try launch(process)
        log = ReadAll(pipe.fileHandleForReading)
    }

    func waitUntilReady(timeout: Duration = .seconds(120)) async throws -> ReadyInfo {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let data = FileManager.default.contents(atPath: readyFile),
                let info = try? JSONDecoder().decode(ReadyInfo.self, from: data)
            {
                self.info = info
                return info
            }
            guard process.isRunning else {
                throw E2EError("kubewire up exited with \(process.terminationStatus):\n\(log.wait().suffix(4000))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw E2EError("kubewire up was not ready within \(timeout)")
    }

    /// SIGTERM, then wait; returns the exit status. SIGKILL only as a last resort.
    @discardableResult
    func stop() async -> Int32 {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = ContinuousClock.now + .seconds(30)
            while process.isRunning && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Processes still alive that belong to this cluster (their command line
    /// or environment names its state folder).
    func survivors() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> String? in
            guard Int32(entry) != nil, Int32(entry) != getpid() else { return nil }
            for file in ["cmdline", "environ"] {
                if let data = FileManager.default.contents(atPath: "/proc/\(entry)/\(file)"),
                    String(decoding: data, as: UTF8.self).contains(stateDirectory)
                {
                    let command = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline").map {
                        String(decoding: $0, as: UTF8.self).replacingOccurrences(of: "\0", with: " ")
                    }
                    return "\(entry): \(command ?? "?")"
                }
            }
            return nil
        }
    }
}

struct E2EError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A copy of infra/ and skaffold.yaml to break on purpose.
func copyOfInfrastructure() throws -> String {
    let folder = try Paths.temporaryDirectory("infra")
    try FileManager.default.copyItem(atPath: Paths.root + "/infra", toPath: folder + "/infra")
    try FileManager.default.copyItem(atPath: Paths.root + "/skaffold.yaml", toPath: folder + "/skaffold.yaml")
    return folder
}

func replace(in file: String, _ old: String, with new: String) throws {
    let text = try String(contentsOfFile: file, encoding: .utf8)
    guard text.contains(old) else { throw E2EError("\(file) does not contain \(old)") }
    try text.replacingOccurrences(of: old, with: new).write(toFile: file, atomically: true, encoding: .utf8)
}

/// Requests through the ingress with a Host header.
struct IngressClient {
    let base: String
    let host: String
    let client: HTTPClient

    func send(_ method: HTTPMethod, _ path: String, json: Any? = nil) async throws -> (Int, HTTPHeaders, Data) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.replaceOrAdd(name: "Host", value: host)
        if let json {
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: json))))
        }
        let response = try await client.execute(request, timeout: .seconds(15))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), response.headers, Data(body.readableBytesView))
    }
}

/// A socket listening on 127.0.0.1 at a free port: "another process holds this port".
struct HeldPort {
    let descriptor: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let held = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        descriptor = fd
        guard fd >= 0, held else { throw E2EError("cannot hold a port: errno \(errno)") }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}
