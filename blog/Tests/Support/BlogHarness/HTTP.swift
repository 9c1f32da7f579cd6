import AsyncHTTPClient
import Foundation
import NIOCore

public struct HTTPResult: Sendable {
    public let status: UInt
    public let body: [UInt8]

    public func json<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(body))
    }
}

/// The few requests the tests and the benchmark send, through the shared AsyncHTTPClient.
public enum HTTP {
    public static func get(_ url: String) async throws -> HTTPResult {
        try await send(HTTPClientRequest(url: url))
    }

    public static func postJSON(_ url: String, _ object: some Encodable) async throws -> HTTPResult {
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

/// Polls until `condition` holds or `timeout` passes; errors count as "not yet".
public func waitUntil(
    timeout: Duration = .seconds(15), interval: Duration = .milliseconds(25), _ condition: () async throws -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return true }
        try? await Task.sleep(for: interval)
    }
    return (try? await condition()) == true
}
