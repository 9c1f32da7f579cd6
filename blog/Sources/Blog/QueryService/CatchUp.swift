import BlogCore
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Brings the view up to the bus's log: on start (retrying until the bus answers), when a pushed
/// event reveals a gap, and every `pollInterval` as a safety net.
final class CatchUp: Service, Sendable {
    static let pageSize = 500

    private let store: QueryStore
    private let reader: any EventLogReader
    private let cache: PostsViewCache
    private let logger: Logger
    private let pollInterval: Duration
    private let retryCap: Duration
    private let wake = WakeSignal()
    private let caughtUpOnce = NIOLockedValueBox(false)

    init(
        store: QueryStore, reader: any EventLogReader, cache: PostsViewCache, logger: Logger,
        pollInterval: Duration, retryCap: Duration
    ) {
        self.store = store
        self.reader = reader
        self.cache = cache
        self.logger = logger
        self.pollInterval = pollInterval
        self.retryCap = retryCap
    }

    /// Ready once the view has caught up with the bus at least once since start.
    var isCaughtUp: Bool { caughtUpOnce.withLockedValue { $0 } }

    func requestCatchUp() {
        wake.notify()
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.catchUpUntilCancelled()
        }
    }

    private func catchUpUntilCancelled() async {
        var backoff = Backoff(initial: .milliseconds(100), cap: retryCap)
        while !Task.isCancelled {
            do {
                try await catchUpOnce()
                caughtUpOnce.withLockedValue { $0 = true }
                backoff.reset()
                await wake.wait(timeout: pollInterval)
            } catch {
                if Task.isCancelled { return }
                logger.warning("catch-up from the event bus failed, will retry: \(error)")
                try? await Task.sleep(for: backoff.nextDelay())
            }
        }
    }

    func catchUpOnce() async throws {
        while true {
            let last = try await store.lastSeq()
            let page = try await reader.events(after: last, limit: Self.pageSize)
            var changed = false
            for event in page where try await store.apply(event, contiguous: false) == .applied {
                changed = true
            }
            if changed { cache.invalidate() }
            if page.count < Self.pageSize { return }
        }
    }
}
