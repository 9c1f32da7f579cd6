import Dispatch

extension RandomAccessCollection where Index == Int, Self: Sendable {
    /// `map(transform)` on the machine's cores (none when `workers` ≤ 1), results in order.
    ///
    /// Safe by construction: the result buffer is allocated once, at its final
    /// size, and never moves; `concurrentPerform` runs iteration `i` exactly once
    /// and it initialises exactly element `i`, so every element is written once,
    /// by one thread, before the array exists. Iterations go to whichever thread
    /// is free (not a fixed stride per worker), so one long element — the schema
    /// walk among the rules — does not leave the other cores idle behind it.
    /// `transform` runs concurrently: it must not mutate shared state.
    public func parallelMap<T: Sendable>(workers: Int, _ transform: @Sendable (Element) -> T) -> [T] {
        let count = self.count
        let workers = Swift.min(workers, count)
        guard workers > 1 else { return map(transform) }
        let first = startIndex
        return [T](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            guard let base = buffer.baseAddress else { return }
            let results = Results(base: base)
            DispatchQueue.concurrentPerform(iterations: count) { offset in
                (results.base + offset).initialize(to: transform(self[first + offset]))
            }
            initializedCount = count
        }
    }
}

/// The result buffer, handed to every worker; each initialises only its own
/// indices (see `parallelMap`), which is what makes sharing it sound.
private struct Results<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}
