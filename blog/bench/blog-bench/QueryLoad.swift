import BlogHarness
import Foundation
import LocalCluster

#if canImport(Glibc)
    import Glibc
#endif

struct WrkResult {
    var requestsPerSecond: Double
    var p99Milliseconds: Double
    var requests: Int
    /// CPU time the server process spent during the run, in user space and in the kernel.
    var serverCPU: CPUTime
    var serverCPUSeconds: Double { serverCPU.user + serverCPU.system }

    /// Requests answered per second of server CPU: what the server costs,
    /// independent of how much of the machine the load generator takes.
    var requestsPerCPUSecond: Double { Double(requests) / max(serverCPUSeconds, 0.001) }
    /// Server CPU per request in microseconds: the user part is the server's own code, the kernel
    /// part mostly the loopback send of the body, about the same for any server.
    var userMicrosecondsPerRequest: Double { serverCPU.user * 1e6 / Double(max(requests, 1)) }
    var kernelMicrosecondsPerRequest: Double { serverCPU.system * 1e6 / Double(max(requests, 1)) }
}

/// One wrk run against each server, back to back, and how busy the machine was before them.
struct LoadRound {
    var query: WrkResult
    var node: WrkResult
    /// The one-minute load average from /proc/loadavg when the round started.
    var loadAverage: Double
}

struct QueryLoad {
    var bodyBytes: Int
    var rounds: [LoadRound]
}

/// Fills the blog with 100 posts x 5 comments, then loads query's `GET /posts` and a plain Node
/// `http` server answering the same bytes with wrk, one after the other, `rounds` times (the
/// order alternating), so that a noisy neighbour hits both sides of a round's ratios.
func measureQueryLoad(_ services: BlogProcesses, duration: Int, connections: Int, rounds: Int)
    async throws -> QueryLoad
{
    for postIndex in 0..<100 {
        let created = try await HTTP.postJSON(
            "\(services.url("posts"))/posts/create", ["title": "Post number \(postIndex)"])
        guard
            let id = (try? JSONDecoder().decode([String: String].self, from: Data(created.body)))?["id"]
        else {
            throw BenchError("post create answered \(created.status)")
        }
        for commentIndex in 0..<5 {
            let content =
                "Comment \(commentIndex) on post \(postIndex), with a little text to make it realistic"
            let comment = try await HTTP.postJSON(
                "\(services.url("comments"))/posts/\(id)/comments", ["content": content])
            guard comment.status == 201 else {
                throw BenchError("comment create answered \(comment.status)")
            }
        }
    }
    var body: [UInt8] = []
    let settled = await waitUntil(timeout: .seconds(60), interval: .milliseconds(100)) {
        body = try await HTTP.get("\(services.url("query"))/posts").body
        let text = String(decoding: body, as: UTF8.self)
        return text.components(separatedBy: #""status":"approved""#).count - 1 == 500
    }
    guard settled else { throw BenchError("query never showed 500 approved comments") }

    guard let queryPID = services.processIdentifier("query") else { throw BenchError("query is not running") }
    let queryURL = "\(services.url("query"))/posts"
    let results = try await withNodeServer(serving: body) { nodeURL, nodePID in
        try (0..<max(rounds, 1)).map { round in
            let loadAverage = oneMinuteLoadAverage()
            func load(_ url: String, _ pid: Int32) throws -> WrkResult {
                try runWrk(url: url, duration: duration, connections: connections, serverPID: pid)
            }
            if round % 2 == 0 {
                let query = try load(queryURL, queryPID)
                return LoadRound(query: query, node: try load(nodeURL, nodePID), loadAverage: loadAverage)
            }
            let node = try load(nodeURL, nodePID)
            return LoadRound(query: try load(queryURL, queryPID), node: node, loadAverage: loadAverage)
        }
    }
    return QueryLoad(bodyBytes: body.count, rounds: results)
}

func oneMinuteLoadAverage() -> Double {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return Double(text.split(separator: " ").first ?? "") ?? .nan
}

func withNodeServer<T>(serving body: [UInt8], _ run: (String, Int32) throws -> T) async throws -> T {
    let directory = NSTemporaryDirectory() + "blog-bench-node-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let port = try PortAllocator.freePort()
    try Data(body).write(to: URL(fileURLWithPath: "\(directory)/posts.json"))
    let script = """
        const http = require("http");
        const body = require("fs").readFileSync(__dirname + "/posts.json");
        http.createServer((req, res) => {
          res.writeHead(200, { "Content-Type": "application/json; charset=utf-8" });
          res.end(body);
        }).listen(\(port), "127.0.0.1");
        """
    try script.write(toFile: "\(directory)/server.js", atomically: true, encoding: .utf8)
    let node = Process()
    guard let nodePath = ExecutableLookup.find("node") else { throw BenchError("node is not on PATH") }
    // Run node itself, not through env, so the measured CPU time is the server's.
    node.executableURL = URL(fileURLWithPath: nodePath)
    node.arguments = ["\(directory)/server.js"]
    try node.run()
    defer {
        node.terminate()
        node.waitUntilExit()
    }
    let url = "http://127.0.0.1:\(port)/posts"
    let started = await waitUntil(timeout: .seconds(10), interval: .milliseconds(50)) {
        try await HTTP.get(url).body == body
    }
    guard started else { throw BenchError("node server did not start") }
    return try run(url, node.processIdentifier)
}

struct CPUTime {
    var user: Double
    var system: Double
    static func - (a: CPUTime, b: CPUTime) -> CPUTime {
        CPUTime(user: a.user - b.user, system: a.system - b.system)
    }
}

/// utime and stime of a process from /proc/PID/stat, in seconds.
func cpuTime(of pid: Int32) throws -> CPUTime {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { throw BenchError("cannot read /proc/\(pid)/stat") }
    // Fields after the command name: state is field 3, utime 14, stime 15.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
        throw BenchError("unexpected /proc/\(pid)/stat")
    }
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    return CPUTime(user: user / ticks, system: system / ticks)
}

func runWrk(url: String, duration: Int, connections: Int, serverPID: Int32) throws -> WrkResult {
    let cpuBefore = try cpuTime(of: serverPID)
    let wrk = Process()
    wrk.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    wrk.arguments = ["wrk", "-t2", "-c\(connections)", "-d\(duration)s", "--latency", url]
    let output = Pipe()
    wrk.standardOutput = output
    do {
        try wrk.run()
    } catch {
        throw BenchError("could not run wrk (make deps-bench installs it): \(error)")
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    wrk.waitUntilExit()
    let serverCPU = try cpuTime(of: serverPID) - cpuBefore
    let text = String(decoding: data, as: UTF8.self)
    guard wrk.terminationStatus == 0,
        let rps = text.split(separator: "\n").first(where: { $0.hasPrefix("Requests/sec:") })
            .flatMap({ Double($0.split(separator: " ").last ?? "") }),
        let p99Line = text.split(separator: "\n").first(where: {
            $0.trimmingCharacters(in: .whitespaces).hasPrefix("99%")
        }),
        let p99 = parseWrkDuration(String(p99Line.split(separator: " ").last ?? "")),
        // "  338000 requests in 10.00s, 20.10GB read"
        let requests = text.split(separator: "\n").first(where: { $0.contains(" requests in ") })
            .flatMap({ Int($0.split(separator: " ").first ?? "") })
    else {
        throw BenchError("wrk failed or printed something unexpected:\n\(text)")
    }
    return WrkResult(
        requestsPerSecond: rps, p99Milliseconds: p99, requests: requests, serverCPU: serverCPU)
}

/// wrk prints latencies as `812.00us`, `1.23ms` or `2.10s`.
func parseWrkDuration(_ text: String) -> Double? {
    for (suffix, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60_000.0)]
    where text.hasSuffix(suffix) {
        return Double(text.dropLast(suffix.count)).map { $0 * scale }
    }
    return nil
}
