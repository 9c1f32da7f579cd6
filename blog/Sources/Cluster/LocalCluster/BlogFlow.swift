import AsyncHTTPClient
import Foundation
import KubeDiagnostics
import NIOCore
import NIOHTTP1

/// The blog's end-to-end story through the ingress: create a post, a normal
/// comment and an `orange` one, and see them moderated in query's view.
public enum BlogFlow {
    /// What the flow did, step by step, and the failure that stopped it (nil: it passed).
    public struct Outcome: Sendable {
        public var steps: [String]
        public var failure: Diagnostic?
        public var elapsed: Duration
    }

    public static func run(baseURL: String, host: String, client: HTTPClient, timeout: Duration = .seconds(30)) async
        -> Outcome
    {
        let started = ContinuousClock.now
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        var steps: [String] = []
        func fail(_ message: String, help: String) -> Outcome {
            Outcome(
                steps: steps,
                failure: Diagnostic(
                    ruleID: IngressProbe.blogFlowRule.id, severity: .error, span: nil, message: message,
                    fix: SuggestedFix(help)),
                elapsed: ContinuousClock.now - started)
        }
        func post(_ path: String, _ body: [String: String]) async throws -> (Int, Any?) {
            var request = HTTPClientRequest(url: base + path)
            request.method = .POST
            request.headers.replaceOrAdd(name: "Host", value: host)
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: body))))
            let response = try await client.execute(request, timeout: .seconds(10))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)))
        }
        let title = "kubewire probe \(UInt32.random(in: 0...UInt32.max))"
        let postID: String
        do {
            let (status, json) = try await post("/posts/create", ["title": title])
            guard status == 201, let id = (json as? [String: Any])?["id"] as? String else {
                return fail(
                    "POST /posts/create answered \(status), expected 201 with the new post's id",
                    help: "check the posts service's logs and that /posts/create routes to it")
            }
            postID = id
            steps.append("POST /posts/create: 201, post \(postID)")
            for content in ["a fine comment", "I like oranges"] {
                let (status, _) = try await post("/posts/\(postID)/comments", ["content": content])
                guard status == 201 else {
                    return fail(
                        "POST /posts/\(postID)/comments answered \(status), expected 201",
                        help: "check the comments service's logs and that /posts/<id>/comments routes to it")
                }
                steps.append("POST /posts/\(postID)/comments \"\(content)\": 201")
            }
        } catch {
            let failure =
                ProbeFailure.connection(error, authority: IngressProbe.authority(of: baseURL))
                ?? ProbeFailure(.noAnswer, "no answer: \(error)")
            return fail("request through the ingress failed: \(failure.message)", help: failure.help)
        }
        let deadline = ContinuousClock.now + timeout
        var last = "nothing yet"
        while ContinuousClock.now < deadline {
            var request = HTTPClientRequest(url: base + "/posts")
            request.headers.replaceOrAdd(name: "Host", value: host)
            if let response = try? await client.execute(request, timeout: .seconds(10)),
                let bytes = try? await response.body.collect(upTo: 16 << 20),
                let view = try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any]
            {
                if let post = view[postID] as? [String: Any], let comments = post["comments"] as? [[String: Any]] {
                    let statuses = Dictionary(
                        comments.compactMap { comment -> (String, String)? in
                            guard let content = comment["content"] as? String, let status = comment["status"] as? String
                            else { return nil }
                            return (content, status)
                        }, uniquingKeysWith: { first, _ in first })
                    last = "\(statuses)"
                    if statuses["a fine comment"] == "approved" && statuses["I like oranges"] == "rejected"
                        && comments.count == 2
                    {
                        steps.append("GET /posts: \"a fine comment\" approved, \"I like oranges\" rejected")
                        return Outcome(steps: steps, failure: nil, elapsed: ContinuousClock.now - started)
                    }
                }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return fail(
            "post \(postID) did not show an approved and a rejected comment in GET /posts within \(timeout) (last seen: \(last))",
            help:
                "moderation works through the event bus: check the logs of event-bus, moderation, comments and query, "
                + "and that each service's bus URL names the event-bus Service")
    }
}
