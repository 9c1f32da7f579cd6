import BlogHarness
import Foundation

/// Posts comments one at a time and times each until query shows its final status.
func measurePropagation(_ services: BlogProcesses, count: Int) async throws -> [Double] {
    let postCount = 20
    var postIDs: [String] = []
    for index in 0..<postCount {
        let created = try await HTTP.postJSON(
            "\(services.url("posts"))/posts/create", ["title": "bench \(index)"])
        guard created.status == 201,
            let post = try? JSONDecoder().decode([String: String].self, from: Data(created.body)),
            let id = post["id"]
        else { throw BenchError("post create answered \(created.status)") }
        postIDs.append(id)
    }
    var latencies: [Double] = []
    latencies.reserveCapacity(count)
    for index in 0..<count {
        let postID = postIDs[index % postCount]
        let content = index % 10 == 0 ? "bench orange \(index)" : "bench comment \(index)"
        let started = ContinuousClock.now
        let created = try await HTTP.postJSON(
            "\(services.url("comments"))/posts/\(postID)/comments", ["content": content])
        guard created.status == 201 else {
            throw BenchError("comment create answered \(created.status)")
        }
        let needle = Array(#""content":"\#(content)","status":""#.utf8)
        let finished = await waitUntil(timeout: .seconds(10), interval: .milliseconds(1)) {
            let view = try await HTTP.get("\(services.url("query"))/posts")
            guard let status = statusAfter(needle, in: view.body) else { return false }
            return status != "pending"
        }
        guard finished else {
            throw BenchError("comment \(index) never reached a final status in query")
        }
        latencies.append(milliseconds(ContinuousClock.now - started))
    }
    return latencies
}

/// The status string that follows `needle` (`"content":"...","status":"`) in query's JSON.
func statusAfter(_ needle: [UInt8], in body: [UInt8]) -> String? {
    guard body.count >= needle.count else { return nil }
    var index = 0
    while index <= body.count - needle.count {
        if body[index] == needle[0] && body[index..<index + needle.count].elementsEqual(needle) {
            let start = index + needle.count
            guard let end = body[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            return String(decoding: body[start..<end], as: UTF8.self)
        }
        index += 1
    }
    return nil
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}
