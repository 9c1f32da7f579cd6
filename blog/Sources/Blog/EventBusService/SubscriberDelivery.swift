import AsyncHTTPClient
import BlogCore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// How an event reaches a subscriber; a seam so tests can stand in for subscribers.
public protocol SubscriberTransport: Sendable {
    /// Returns normally only when the subscriber acknowledged the event (2xx).
    func deliver(_ event: EventEnvelope, to url: String) async throws
}

public struct HTTPSubscriberTransport: SubscriberTransport {
    let httpClient: HTTPClient

    public init(httpClient: HTTPClient = .shared) {
        self.httpClient = httpClient
    }

    public func deliver(_ event: EventEnvelope, to url: String) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(event)))
        let response = try await httpClient.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(response.status.code) else {
            throw UnexpectedStatus(status: response.status.code, url: url)
        }
    }
}

/// One loop per subscriber: delivers the log in order from the subscriber's stored cursor,
/// retrying the same event with backoff until it is acknowledged, so a slow or absent
/// subscriber delays only itself and misses nothing.
final class SubscriberDelivery: Service, Sendable {
    let subscriber: String
    let wake = WakeSignal()
    private let log: EventLog
    private let transport: any SubscriberTransport
    private let logger: Logger
    private let retryCap: Duration

    init(
        subscriber: String, log: EventLog, transport: any SubscriberTransport, logger: Logger,
        retryCap: Duration
    ) {
        self.subscriber = subscriber
        self.log = log
        self.transport = transport
        self.logger = logger
        self.retryCap = retryCap
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.deliverUntilCancelled()
        }
    }

    private func deliverUntilCancelled() async {
        var backoff = Backoff(cap: retryCap)
        var cursor: Int64?
        while !Task.isCancelled {
            do {
                let from: Int64
                if let cursor {
                    from = cursor
                } else {
                    from = try await log.cursor(for: subscriber)
                }
                cursor = from
                let batch = try await log.events(after: from, limit: 200)
                if batch.isEmpty {
                    await wake.wait(timeout: .seconds(5))
                    continue
                }
                for event in batch {
                    try await transport.deliver(event, to: subscriber)
                    let seq = event.seq ?? from
                    // The subscriber has acknowledged: store the cursor even if shutdown is under
                    // way (an unstructured task does not inherit the cancellation), so a restart
                    // does not deliver the event a second time.
                    try await Task { [log, subscriber] in try await log.setCursor(seq, for: subscriber) }.value
                    cursor = seq
                    backoff.reset()
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("delivery to \(subscriber) failed, will retry: \(error)")
                try? await Task.sleep(for: backoff.nextDelay())
            }
        }
    }
}
