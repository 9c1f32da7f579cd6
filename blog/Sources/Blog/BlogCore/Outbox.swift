import Foundation
import GRDB
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

public enum Outbox {
    /// Stores `event` for the relay, inside the caller's transaction so the entity and
    /// its event are committed together. Returns the event's outbox position.
    @discardableResult
    public static func enqueue(_ event: EventEnvelope, in db: Database) throws -> Int64 {
        let body = try JSONEncoder().encode(event)
        try db.execute(
            sql: "INSERT INTO outbox (event_id, body) VALUES (?, ?)",
            arguments: [event.id ?? Identifier.event(), body]
        )
        return db.lastInsertedRowID
    }

    public static func pendingCount(in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0
    }
}

/// Hands outbox events to the bus in order, one at a time, retrying with backoff while
/// the bus is down; an event leaves the outbox only once the bus has acknowledged it.
public final class OutboxRelay: Service, Sendable {
    private struct Waiter {
        let position: Int64
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var deliveredThrough: Int64 = 0
        var nextToken: UInt64 = 0
        var waiters: [UInt64: Waiter] = [:]
    }

    private let database: DatabasePool
    private let publisher: any EventPublisher
    private let logger: Logger
    private let wake = WakeSignal()
    private let state = NIOLockedValueBox(State())
    private let retryCap: Duration

    public init(
        database: DatabasePool, publisher: any EventPublisher, logger: Logger,
        retryCap: Duration = .seconds(3)
    ) {
        self.database = database
        self.publisher = publisher
        self.logger = logger
        self.retryCap = retryCap
    }

    /// Call after committing an outbox insert.
    public func notifyEnqueued() {
        wake.notify()
    }

    /// Waits until the event at `position` has been accepted by the bus, or `timeout` passes.
    public func waitForDelivery(of position: Int64, timeout: Duration) async -> Bool {
        if isDelivered(position) || timeout <= .zero { return isDelivered(position) }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.deliveryNotice(for: position) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let delivered = await group.next() ?? false
            group.cancelAll()
            return delivered || isDelivered(position)
        }
    }

    private func deliveryNotice(for position: Int64) async -> Bool {
        let token = state.withLockedValue { state -> UInt64 in
            state.nextToken += 1
            return state.nextToken
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let resolved = state.withLockedValue { state -> Bool? in
                    if state.deliveredThrough >= position { return true }
                    if Task.isCancelled { return false }
                    state.waiters[token] = Waiter(position: position, continuation: continuation)
                    return nil
                }
                if let resolved { continuation.resume(returning: resolved) }
            }
        } onCancel: {
            let waiter = state.withLockedValue { $0.waiters.removeValue(forKey: token) }
            waiter?.continuation.resume(returning: false)
        }
    }

    public func isDelivered(_ position: Int64) -> Bool {
        state.withLockedValue { $0.deliveredThrough >= position }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.relayUntilCancelled()
        }
    }

    private func relayUntilCancelled() async {
        var backoff = Backoff(cap: retryCap)
        while !Task.isCancelled {
            let batch: [(position: Int64, body: Data)]
            do {
                batch = try await database.read { db in
                    try Row.fetchAll(db, sql: "SELECT position, body FROM outbox ORDER BY position LIMIT 100")
                        .map { (position: $0["position"], body: $0["body"]) }
                }
            } catch {
                logger.error("outbox read failed: \(error)")
                try? await Task.sleep(for: backoff.nextDelay())
                continue
            }
            if batch.isEmpty {
                await wake.wait(timeout: .seconds(5))
                continue
            }
            for entry in batch {
                if Task.isCancelled { return }
                if await deliver(entry) {
                    backoff.reset()
                } else {
                    try? await Task.sleep(for: backoff.nextDelay())
                    break
                }
            }
        }
    }

    private func deliver(_ entry: (position: Int64, body: Data)) async -> Bool {
        do {
            let event = try JSONDecoder().decode(EventEnvelope.self, from: entry.body)
            try await publisher.publish(event)
        } catch let error as DecodingError {
            logger.error("dropping undecodable outbox entry \(entry.position): \(error)")
        } catch {
            logger.warning(
                "event bus did not accept outbox entry \(entry.position), will retry: \(error)")
            return false
        }
        do {
            try await database.write { db in
                try db.execute(sql: "DELETE FROM outbox WHERE position = ?", arguments: [entry.position])
            }
        } catch {
            // Sent again later; the bus dedupes on the event id.
            logger.error("outbox delete failed: \(error)")
        }
        markDelivered(through: entry.position)
        return true
    }

    private func markDelivered(through position: Int64) {
        let ready = state.withLockedValue { state -> [Waiter] in
            state.deliveredThrough = max(state.deliveredThrough, position)
            let done = state.waiters.filter { $0.value.position <= position }
            for key in done.keys { state.waiters.removeValue(forKey: key) }
            return Array(done.values)
        }
        for waiter in ready { waiter.continuation.resume(returning: true) }
    }
}
