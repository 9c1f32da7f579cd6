import Dispatch
import Foundation

extension RandomAccessCollection where Index == Int, Self: Sendable {
    /// `map(transform)` on at most `workers` threads at once (none when `workers` ≤ 1), results in
    /// order.
    ///
    /// Safe by construction: the result buffer is allocated once, at its final size, and never
    /// moves; each index is handed out exactly once (by `NextIndex`), and the thread that takes it
    /// initialises exactly that element, before the array exists. Indices go to whichever worker is
    /// free (not a fixed stride per worker), so one long element — the schema walk among the rules —
    /// does not leave the others idle behind it. At most `workers` elements are in flight, so peak
    /// memory follows `workers`, not the machine's core count. `transform` runs concurrently: it
    /// must not mutate shared state.
    public func parallelMap<T: Sendable>(workers: Int, _ transform: @Sendable (Element) -> T) -> [T] {
        let count = self.count
        let workers = Swift.min(workers, count)
        guard workers > 1 else { return map(transform) }
        let first = startIndex
        return [T](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            guard let base = buffer.baseAddress else { return }
            let results = Results(base: base)
            let next = NextIndex(count: count)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let offset = next.take() {
                    (results.base + offset).initialize(to: transform(self[first + offset]))
                }
            }
            initializedCount = count
        }
    }
}

/// The result buffer, handed to every worker; each initialises only the indices it took (see
/// `parallelMap`), which is what makes sharing it sound.
private struct Results<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}

/// Hands out 0..<count, each index once, to whichever worker asks. (`NSLock`, not an atomic: the
/// package still builds for macOS 14.)
private final class NextIndex: @unchecked Sendable {
    private let lock = NSLock()
    private let count: Int
    private var next = 0

    init(count: Int) { self.count = count }

    func take() -> Int? {
        lock.withLock {
            guard next < count else { return nil }
            defer { next += 1 }
            return next
        }
    }
}
