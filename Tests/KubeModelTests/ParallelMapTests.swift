import Foundation
import KubeModel
import Testing

@Suite("parallelMap")
struct ParallelMapTests {
    @Test(arguments: [0, 1, 2, 3, 7, 1000])
    func equalsMapInOrder(count: Int) {
        let input = Array(0..<count)
        for workers in [0, 1, 2, 3, 8, count + 5] {
            #expect(
                input.parallelMap(workers: workers) { $0 * 3 + 1 } == input.map { $0 * 3 + 1 }, "workers \(workers)")
        }
    }

    @Test func sliceWithOffsetIndices() {
        let slice = Array(0..<100)[40..<90]
        #expect(slice.parallelMap(workers: 4) { "\($0)" } == slice.map { "\($0)" })
    }

    /// Each element is transformed exactly once, and by more than one thread
    /// when several workers are asked for (otherwise the test proves nothing).
    @Test func everyElementExactlyOnceAcrossThreads() {
        let calls = Counter()
        let input = Array(0..<4096)
        let result = input.parallelMap(workers: 4) { value -> [Int] in
            calls.record(value)
            usleep(50)
            return [value, value]
        }
        #expect(result == input.map { [$0, $0] })
        #expect(calls.counts == Dictionary(uniqueKeysWithValues: input.map { ($0, 1) }))
        #expect(calls.threads > 1 || ProcessInfo.processInfo.activeProcessorCount == 1)
    }

    /// `workers` bounds how many elements are in flight (LoadOptions.concurrency: peak memory
    /// follows it, not the machine's core count).
    @Test(arguments: [2, 3])
    func atMostWorkersElementsAtOnce(workers: Int) {
        let inFlight = InFlight()
        let input = Array(0..<256)
        let result = input.parallelMap(workers: workers) { value -> Int in
            inFlight.enter()
            usleep(200)
            inFlight.leave()
            return value
        }
        #expect(result == input)
        #expect(inFlight.peak <= workers, "peak \(inFlight.peak) with \(workers) workers")
    }

    /// Non-trivial elements (class references) are retained, not leaked or double-freed.
    @Test func classElementsAreOwnedByTheResult() {
        final class Box: Sendable {
            let value: Int
            init(_ value: Int) { self.value = value }
        }
        weak var probe: Box?
        do {
            let boxes = Array(0..<64).parallelMap(workers: 8) { Box($0) }
            probe = boxes[63]
            #expect(boxes.map(\.value) == Array(0..<64))
            #expect(probe != nil)
        }
        #expect(probe == nil)
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [Int: Int] = [:]
    private var threadIDs = Set<UInt64>()

    func record(_ value: Int) {
        var id: UInt64 = 0
        #if os(Linux)
            id = UInt64(pthread_self())
        #else
            id = UInt64(UInt(bitPattern: pthread_self()))
        #endif
        lock.lock()
        seen[value, default: 0] += 1
        threadIDs.insert(id)
        lock.unlock()
    }

    var counts: [Int: Int] { lock.withLock { seen } }
    var threads: Int { lock.withLock { threadIDs.count } }
}

private final class InFlight: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private var highest = 0

    func enter() {
        lock.withLock {
            current += 1
            highest = max(highest, current)
        }
    }

    func leave() { lock.withLock { current -= 1 } }

    var peak: Int { lock.withLock { highest } }
}
