import BlogCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

@testable import EventBusService

/// Holds each delivery until the test releases it, so the loop can be cancelled (as graceful
/// shutdown does) while the subscriber is acknowledging.
final class GatedTransport: SubscriberTransport {
    private let state = NIOLockedValueBox((entered: 0, gate: CheckedContinuation<Void, Never>?.none))

    var entered: Int { state.withLockedValue { $0.entered } }

    func deliver(_ event: EventEnvelope, to url: String) async throws {
        await withCheckedContinuation { continuation in
            state.withLockedValue {
                $0.entered += 1
                $0.gate = continuation
            }
        }
    }

    func release() {
        state.withLockedValue {
            $0.gate?.resume()
            $0.gate = nil
        }
    }
}

@Suite struct SubscriberDeliveryTests {
    @Test func anAcknowledgedEventKeepsItsCursorWhenShutdownCancelsTheLoop() async throws {
        try await withDataDirectory { directory in
            let log = try EventLog.open(directory: directory)
            _ = try await log.append(EventEnvelope(id: "e1", type: "T", data: .object([:])))
            let transport = GatedTransport()
            let delivery = SubscriberDelivery(
                subscriber: "http://sub/events", log: log, transport: transport,
                logger: Logger(label: "test"), retryCap: .milliseconds(50))
            let loop = Task { try await delivery.run() }
            #expect(await eventually { transport.entered == 1 })
            // Shutdown arrives while the subscriber is answering; then it acknowledges.
            loop.cancel()
            transport.release()
            try await loop.value
            #expect(try await log.cursor(for: "http://sub/events") == 1)
        }
    }
}
