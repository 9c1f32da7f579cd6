import ArgumentParser
import BlogHarness
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@main
struct BlogBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blog-bench",
        abstract: "Event propagation latency and query GET /posts throughput of the blog services.")

    @Option(help: "Directory holding the built service executables.")
    var binDir = ".build/release"

    @Option(help: "Comments timed from POST to their final status in query.")
    var comments = 1000

    @Option(help: "wrk duration in seconds.")
    var duration = 10

    @Option(help: "wrk connections.")
    var connections = 64

    @Option(help: "Rounds of wrk against query and Node, back to back; ratios are the rounds' median.")
    var rounds = 3

    @Option(help: "LOG_LEVEL of the services: warning by default; at info every request logs a line.")
    var logLevel = "warning"

    mutating func run() async throws {
        let binDirectory = URL(fileURLWithPath: binDir).standardizedFileURL.path
        let propagation = try await withServices(binDirectory) { services in
            try await measurePropagation(services, count: comments)
        }
        report(propagation: propagation)

        let load = try await withServices(binDirectory) { services in
            try await measureQueryLoad(services, duration: duration, connections: connections, rounds: rounds)
        }
        report(load: load)
    }

    /// Runs `body` with a fresh set of services and kills them afterwards, whatever happens.
    func withServices<T>(_ binDirectory: String, _ body: (BlogProcesses) async throws -> T)
        async throws -> T
    {
        let services = try BlogProcesses(
            binDirectory: URL(fileURLWithPath: binDirectory), label: "blog-bench", logLevel: logLevel)
        let stopper = SignalStopper { services.stopAll() }
        defer {
            stopper.cancel()
            services.stopAll()
            services.removeFiles()
        }
        try await services.startAll()
        return try await body(services)
    }

    func report(propagation: [Double]) {
        let p50 = percentile(propagation, 0.50)
        let p99 = percentile(propagation, 0.99)
        print(
            "event propagation (comment POST -> final status in query GET /posts), \(propagation.count) comments:"
        )
        print(String(format: "  p50 %.2f ms", p50))
        print(String(format: "  p99 %.2f ms   target <= 100 ms %@", p99, p99 <= 100 ? "ok" : "MISSED"))
    }

    func report(load: QueryLoad) {
        print(
            "query GET /posts, 100 posts x 5 comments (\(load.bodyBytes) bytes), wrk -t2 -c\(connections) -d\(duration)s, LOG_LEVEL=\(logLevel), \(load.rounds.count) round(s):"
        )
        // wrk shares the machine: when it saturates the cores, req/s measures wrk as much as the
        // server, so the CPU time each server spent per request (from /proc) is the primary figure.
        for (index, round) in load.rounds.enumerated() {
            print(String(format: "  round %d (load average %.1f before it)", index + 1, round.loadAverage))
            for (name, result) in [("query", round.query), ("node", round.node)] {
                print(
                    String(
                        format:
                            "    %@ %6.0f req/s  p99 %5.2f ms  server CPU %5.2f s: user %5.2f + kernel %5.2f us per request, %6.0f requests per CPU-second",
                        name.padding(toLength: 5, withPad: " ", startingAt: 0), result.requestsPerSecond,
                        result.p99Milliseconds, result.serverCPUSeconds, result.userMicrosecondsPerRequest,
                        result.kernelMicrosecondsPerRequest, result.requestsPerCPUSecond))
            }
        }
        func median(_ value: (LoadRound) -> Double) -> Double { percentile(load.rounds.map(value), 0.5) }
        let user = median { $0.query.userMicrosecondsPerRequest }
        let nodeUser = median { $0.node.userMicrosecondsPerRequest }
        let perCPU = median { $0.query.requestsPerCPUSecond / max($0.node.requestsPerCPUSecond, 1) }
        let throughput = median { $0.query.requestsPerSecond / max($0.node.requestsPerSecond, 1) }
        let p99 = median { $0.query.p99Milliseconds }
        func verdict(_ met: Bool) -> String { met ? "ok" : "MISSED" }
        print("  median of the rounds:")
        print(
            String(
                format: "    query user time %.2f us per request (node %.2f)   target <= 3 us %@", user, nodeUser,
                verdict(user <= 3)))
        print(
            String(
                format: "    ratio of requests per CPU-second query/node %.2fx   target >= 1.5x %@", perCPU,
                verdict(perCPU >= 1.5)))
        print(
            String(
                format: "    ratio of requests/s query/node %.2fx   target >= 1.3x %@", throughput,
                verdict(throughput >= 1.3)))
        print(String(format: "    query p99 %.2f ms   target <= 5 ms %@", p99, verdict(p99 <= 5)))
    }
}

func percentile(_ values: [Double], _ fraction: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let index = min(sorted.count - 1, max(0, Int((Double(sorted.count) * fraction).rounded(.up)) - 1))
    return sorted[index]
}

/// Kills the children if the benchmark itself is interrupted.
final class SignalStopper {
    private var sources: [DispatchSourceSignal] = []

    init(_ stop: @escaping @Sendable () -> Void) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                stop()
                exit(130)
            }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
        sources.removeAll()
    }
}
