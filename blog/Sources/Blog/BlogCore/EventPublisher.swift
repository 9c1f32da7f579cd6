import AsyncHTTPClient
import Foundation
import NIOCore

/// Where a publisher's outbox sends its events; the seam tests replace.
public protocol EventPublisher: Sendable {
    func publish(_ event: EventEnvelope) async throws
}

/// Read access to the bus's log, for consumers that catch up (query).
public protocol EventLogReader: Sendable {
    func events(after seq: Int64, limit: Int) async throws -> [EventEnvelope]
}

public struct UnexpectedStatus: Error, CustomStringConvertible {
    public let status: UInt
    public let url: String
    public var description: String { "\(url) answered \(status)" }

    public init(status: UInt, url: String) {
        self.status = status
        self.url = url
    }
}

/// The bus over HTTP: `POST <base>/events` and `GET <base>/events?after=N`.
public struct EventBusClient: EventPublisher, EventLogReader {
    public let baseURL: String
    public let httpClient: HTTPClient
    public let timeout: TimeAmount

    public init(baseURL: String, httpClient: HTTPClient = .shared, timeout: TimeAmount = .seconds(5)) {
        self.baseURL = baseURL
        self.httpClient = httpClient
        self.timeout = timeout
    }

    public func publish(_ event: EventEnvelope) async throws {
        var request = HTTPClientRequest(url: "\(baseURL)/events")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(event)))
        let response = try await httpClient.execute(request, timeout: timeout)
        _ = try await response.body.collect(upTo: 1 << 16)
        guard (200..<300).contains(response.status.code) else {
            throw UnexpectedStatus(status: response.status.code, url: request.url)
        }
    }

    public func events(after seq: Int64, limit: Int) async throws -> [EventEnvelope] {
        let request = HTTPClientRequest(url: "\(baseURL)/events?after=\(seq)&limit=\(limit)")
        let response = try await httpClient.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 256 << 20)
        guard (200..<300).contains(response.status.code) else {
            throw UnexpectedStatus(status: response.status.code, url: request.url)
        }
        // Decoded one by one so that a single malformed entry cannot hide the rest.
        let items = try JSONDecoder().decode([JSONValue].self, from: Data(buffer: body))
        return items.compactMap { item in
            guard let data = try? JSONEncoder().encode(item) else { return nil }
            return try? JSONDecoder().decode(EventEnvelope.self, from: data)
        }
    }
}
