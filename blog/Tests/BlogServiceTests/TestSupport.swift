import BlogCore
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers

/// A fresh `DATA_DIR` for one test, removed afterwards.
func withDataDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("blog-tests-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

func settings(_ name: String, _ directory: String) -> ServiceSettings {
    ServiceSettings(
        name: name, host: "127.0.0.1", port: 0, dataDirectory: directory, logLevel: .warning)
}

/// Stands in for the bus: records what a service publishes, and can play "down".
final class RecordingPublisher: EventPublisher {
    struct BusDown: Error {}

    private let state = NIOLockedValueBox((events: [EventEnvelope](), isDown: false))

    init(isDown: Bool = false) {
        state.withLockedValue { $0.isDown = isDown }
    }

    var events: [EventEnvelope] { state.withLockedValue { $0.events } }

    func setDown(_ isDown: Bool) {
        state.withLockedValue { $0.isDown = isDown }
    }

    func publish(_ event: EventEnvelope) async throws {
        try state.withLockedValue {
            if $0.isDown { throw BusDown() }
            $0.events.append(event)
        }
    }

    func events(ofType type: String) -> [EventEnvelope] {
        events.filter { $0.type == type }
    }
}

/// Polls `condition` until it holds or `timeout` passes; no fixed sleeps in tests.
func eventually(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool)
    async rethrows -> Bool
{
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}

extension TestClientProtocol {
    func get(_ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .get)
    }

    func postJSON(_ uri: String, _ body: String) async throws -> TestResponse {
        try await execute(
            uri: uri, method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: body))
    }

    func postForm(_ uri: String, _ body: String) async throws -> TestResponse {
        try await execute(
            uri: uri, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: body))
    }

    func postEvent(_ event: EventEnvelope) async throws -> TestResponse {
        let data = try JSONEncoder().encode(event)
        return try await postJSON("/events", String(decoding: data, as: UTF8.self))
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(buffer: body))
    }

    /// The `"error"` string of a JSON error body, or nil when the body is not one.
    var errorMessage: String? {
        (try? decode([String: String].self))?["error"]
    }
}

func event(_ payload: some BlogEventPayload, id: String = Identifier.event(), seq: Int64? = nil)
    throws -> EventEnvelope
{
    var envelope = try EventEnvelope(id: id, payload: payload)
    envelope.seq = seq
    return envelope
}

/// Larger than the 64 KiB body limit.
let oversizedBody = String(repeating: "x", count: 70 * 1024)
