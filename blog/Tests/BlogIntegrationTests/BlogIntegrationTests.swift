import BlogHarness
import Foundation
import Testing

struct QueryPost: Decodable, Equatable {
    struct Comment: Decodable, Equatable {
        var id: String
        var content: String
        var status: String
    }
    var id: String
    var title: String
    var comments: [Comment]
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    var value: Int { lock.withLock { count } }

    func increment() {
        lock.withLock { count += 1 }
    }
}

@Suite(.serialized) struct BlogIntegrationTests {
    /// `make test` passes the build's bin directory; a bare `swift test` uses `.build/debug`.
    static var binDirectory: URL {
        if let bin = ProcessInfo.processInfo.environment["KUBEWIRE_BIN_DIR"], !bin.isEmpty {
            return URL(fileURLWithPath: bin)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug")
    }

    func view(_ blog: BlogProcesses) async throws -> [String: QueryPost] {
        try await HTTP.get("\(blog.url("query"))/posts").json([String: QueryPost].self)
    }

    func comment(_ blog: BlogProcesses, post: String, _ content: String) async throws -> UInt {
        try await HTTP.postJSON("\(blog.url("comments"))/posts/\(post)/comments", ["content": content])
            .status
    }

    /// Every comment of `post` has left `pending`, and there are exactly `count` of them.
    func allModerated(_ blog: BlogProcesses, post: String, count: Int) async -> Bool {
        await waitUntil(timeout: .seconds(20)) {
            let comments = try await view(blog)[post]?.comments ?? []
            return comments.count == count && comments.allSatisfy { $0.status != "pending" }
        }
    }

    @Test(.timeLimit(.minutes(2))) func theBlogSurvivesRestartsOutagesAndABusCrash() async throws {
        let blog = try BlogProcesses(binDirectory: Self.binDirectory, label: "blog-it")
        defer {
            blog.stopAll()
            blog.removeFiles()
        }
        for service in BlogProcesses.services { try blog.start(service) }
        for service in BlogProcesses.services {
            #expect(
                await blog.isReady(service), "\(service) never became ready:\n\(blog.log(of: service))")
        }

        // A post, a normal comment and an `orange` one.
        let created = try await HTTP.postJSON(
            "\(blog.url("posts"))/posts/create", ["title": "Integration"])
        #expect(created.status == 201)
        let postID = try #require(try created.json([String: String].self)["id"])
        #expect(try await comment(blog, post: postID, "Lovely post") == 201)
        #expect(try await comment(blog, post: postID, "I like oranges") == 201)
        #expect(await allModerated(blog, post: postID, count: 2))
        let moderated = try await view(blog)
        #expect(
            moderated[postID]?.comments.map { [$0.content, $0.status] } == [
                ["Lovely post", "approved"], ["I like oranges", "rejected"],
            ])
        let page = String(decoding: try await HTTP.get("\(blog.url("client"))/").body, as: UTF8.self)
        #expect(page.contains("Lovely post"))
        #expect(page.contains("This comment has been rejected"))

        // Restarting query gives the identical view.
        blog.stop("query")
        try blog.start("query")
        #expect(await blog.isReady("query"))
        #expect(try await view(blog) == moderated)

        // Comments made while moderation is down are moderated once it is back.
        blog.stop("moderation")
        for index in 1...3 {
            #expect(try await comment(blog, post: postID, "while moderation is away \(index)") == 201)
        }
        #expect(await waitUntil { try await view(blog)[postID]?.comments.count == 5 })
        #expect(try await view(blog)[postID]?.comments.filter { $0.status == "pending" }.count == 3)
        try blog.start("moderation")
        #expect(await allModerated(blog, post: postID, count: 5))

        // kill -9 the bus in the middle of a stream of comments; nothing is lost or doubled.
        let streamed = 30
        let answered = Counter()
        let writer = Task {
            var statuses: [UInt] = []
            for index in 1...streamed {
                statuses.append(try await comment(blog, post: postID, "stream \(index)"))
                answered.increment()
            }
            return statuses
        }
        #expect(await waitUntil { try await view(blog)[postID]?.comments.count ?? 0 >= 8 })
        blog.stop("event-bus", hard: true)
        #expect(answered.value < streamed, "the bus must die mid-stream")
        try await Task.sleep(for: .milliseconds(300))
        try blog.start("event-bus")
        #expect(try await writer.value == Array(repeating: 201, count: streamed))
        let total = 5 + streamed
        #expect(await allModerated(blog, post: postID, count: total))
        let final = try await view(blog)[postID]?.comments ?? []
        #expect(Set(final.map(\.id)).count == total)
        #expect(final.filter { $0.content.hasPrefix("stream ") }.count == streamed)
        #expect(final.filter { $0.status == "rejected" }.map(\.content) == ["I like oranges"])

        struct StoredEvent: Decodable {
            var id: String
            var type: String
        }
        let log = try await HTTP.get("\(blog.url("event-bus"))/events").json([StoredEvent].self)
        #expect(Set(log.map(\.id)).count == log.count)
        #expect(log.filter { $0.type == "CommentCreated" }.count == total)
        #expect(log.filter { $0.type == "CommentUpdated" }.count == total)
    }

    @Test(.timeLimit(.minutes(1))) func atInfoEveryReadIsLoggedOnceWithTheRoutersLine() async throws {
        let blog = try BlogProcesses(binDirectory: Self.binDirectory, label: "blog-it", logLevel: "info")
        defer {
            blog.stopAll()
            blog.removeFiles()
        }
        for service in ["event-bus", "query"] { try blog.start(service) }
        #expect(await blog.isReady("query"), "\(blog.log(of: "query"))")
        // The first read renders through the router, the others come from the fast path.
        let reads = 200
        for _ in 0..<reads { _ = try await HTTP.get("\(blog.url("query"))/posts") }
        // A graceful stop (SIGTERM) flushes what the log writer has not written yet.
        blog.stop("query")
        let lines = blog.log(of: "query").split(separator: "\n")
        let requests = lines.filter {
            $0.contains(" info query: hb.request.id=")
                && $0.hasSuffix(" hb.request.method=GET hb.request.path=/posts [Hummingbird] Request")
        }
        #expect(requests.count == reads, "\(lines.suffix(5))")
    }

    @Test func invalidConfigurationExitsWithStatus2() async throws {
        let blog = try BlogProcesses(binDirectory: Self.binDirectory, label: "blog-it")
        defer { blog.removeFiles() }
        for (service, variable, value) in [
            ("posts", "PORT", "not-a-port"), ("query", "EVENT_BUS_URL", "::"),
            ("event-bus", "SUBSCRIBERS", "nope"),
            ("client", "QUERY_URL", "ftp://x"),
        ] {
            let process = Process()
            process.executableURL = blog.binDirectory.appendingPathComponent(service)
            var environment = blog.environment(for: service)
            environment[variable] = value
            process.environment = environment
            let stderr = Pipe()
            process.standardError = stderr
            try process.run()
            process.waitUntilExit()
            let message = String(
                decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 2, "\(service) with \(variable)=\(value)")
            #expect(message.contains(variable), "\(message)")
        }
    }
}
