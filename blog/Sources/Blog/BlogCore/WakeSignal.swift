import NIOConcurrencyHelpers

/// Wakes one background loop early when there is new work; a wake with no waiter is remembered.
public final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var nextToken: UInt64 = 0
        var waiter: (token: UInt64, continuation: CheckedContinuation<Void, Never>)?
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    public func notify() {
        let continuation = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        continuation?.resume()
    }

    /// Returns on `notify()`, after `timeout`, or on cancellation, whichever comes first.
    public func wait(timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForNotify() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForNotify() async {
        let token = state.withLockedValue { state -> UInt64 in
            state.nextToken += 1
            return state.nextToken
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLockedValue { state -> Bool in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = (token, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.release(token)
        }
    }

    private func release(_ token: UInt64) {
        let continuation = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter, waiter.token == token else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        continuation?.resume()
    }
}

/// Exponential retry delay, capped so a recovered peer is noticed within a few seconds.
public struct Backoff: Sendable {
    public let initial: Duration
    public let cap: Duration
    private var current: Duration

    public init(initial: Duration = .milliseconds(50), cap: Duration = .seconds(3)) {
        self.initial = initial
        self.cap = cap
        self.current = initial
    }

    public mutating func reset() {
        current = initial
    }

    public mutating func nextDelay() -> Duration {
        let delay = current
        current = min(current * 2, cap)
        return delay
    }
}
