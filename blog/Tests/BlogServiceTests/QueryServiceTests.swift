import BlogCore
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import QueryService
import Testing

/// Stands in for the bus's log: `events(after:)` answers from a list, or fails while "down".
final class FakeEventLog: EventLogReader {
    private let state = NIOLockedValueBox((events: [EventEnvelope](), isDown: false))

    init(_ events: [EventEnvelope] = [], isDown: Bool = false) {
        state.withLockedValue { $0 = (events, isDown) }
    }

    func append(_ event: EventEnvelope) {
        state.withLockedValue { $0.events.append(event) }
    }

    func setDown(_ isDown: Bool) {
        state.withLockedValue { $0.isDown = isDown }
    }

    func events(after seq: Int64, limit: Int) async throws -> [EventEnvelope] {
        try state.withLockedValue { state in
            if state.isDown { throw RecordingPublisher.BusDown() }
            return Array(state.events.filter { ($0.seq ?? 0) > seq }.prefix(limit))
        }
    }
}

@Suite struct QueryServiceTests {
    struct PostBody: Decodable, Equatable {
        struct CommentBody: Decodable, Equatable {
            var id: String
            var content: String
            var status: String
        }
        var id: String
        var title: String
        var comments: [CommentBody]
    }

    func makeApp(_ directory: String, log: FakeEventLog) async throws -> some ApplicationProtocol {
        try await buildApplication(
            configuration: QueryConfiguration(
                settings: settings("query", directory), pollInterval: .milliseconds(100),
                retryCap: .milliseconds(50)),
            eventLog: log)
    }

    func view(_ client: some TestClientProtocol) async throws -> [String: PostBody] {
        let response = try await client.get("/posts")
        #expect(response.status == .ok)
        return try response.decode([String: PostBody].self)
    }

    @Test func buildsTheJoinedViewFromEvents() async throws {
        try await withDataDirectory { directory in
            try await makeApp(directory, log: FakeEventLog()).test(.router) { client async throws in
                let events = [
                    try event(PostCreated(id: "p1", title: "Hello"), seq: 1),
                    try event(
                        CommentCreated(id: "c1", content: "nice", postId: "p1", status: .pending), seq: 2),
                    try event(
                        CommentCreated(id: "c2", content: "oranges", postId: "p1", status: .pending), seq: 3),
                    try event(
                        CommentModerated(id: "c2", postId: "p1", status: .rejected, content: "oranges"), seq: 4),
                    try event(
                        CommentUpdated(id: "c1", status: .approved, postId: "p1", content: "nice"), seq: 5),
                ]
                for item in events {
                    let response = try await client.postEvent(item)
                    #expect(response.status == .ok)
                    #expect(response.text == "{}")
                }
                #expect(
                    try await view(client) == [
                        "p1": PostBody(
                            id: "p1", title: "Hello",
                            comments: [
                                .init(id: "c1", content: "nice", status: "approved"),
                                .init(id: "c2", content: "oranges", status: "pending"),
                            ])
                    ])
            }
        }
    }

    @Test func anEventDeliveredTwiceIsAppliedOnce() async throws {
        try await withDataDirectory { directory in
            try await makeApp(directory, log: FakeEventLog()).test(.router) { client async throws in
                let post = try event(PostCreated(id: "p1", title: "Hello"), seq: 1)
                let comment = try event(
                    CommentCreated(id: "c1", content: "hi", postId: "p1", status: .pending), seq: 2)
                for item in [post, comment, comment, post] {
                    #expect(try await client.postEvent(item).status == .ok)
                }
                // The same event id without a seq, as a course-style publisher would resend it.
                var resent = comment
                resent.seq = nil
                #expect(try await client.postEvent(resent).status == .ok)
                #expect(try await view(client)["p1"]?.comments.count == 1)
            }
        }
    }

    @Test func aCommentForAnUnknownPostDoesNotBreakAnything() async throws {
        try await withDataDirectory { directory in
            try await makeApp(directory, log: FakeEventLog()).test(.router) { client async throws in
                let orphan = try event(
                    CommentCreated(id: "c1", content: "early", postId: "p9", status: .pending))
                let response = try await client.postEvent(orphan)
                #expect(response.status == .ok)
                #expect(try await client.get("/posts").text == "{}")
                _ = try await client.postEvent(event(PostCreated(id: "p9", title: "Late")))
                #expect(try await view(client)["p9"]?.comments.map(\.content) == ["early"])
            }
        }
    }

    @Test func aGapInPushedEventsIsFilledFromTheBusInOrder() async throws {
        try await withDataDirectory { directory in
            let post = try event(PostCreated(id: "p1", title: "Hello"), seq: 1)
            let comment = try event(
                CommentCreated(id: "c1", content: "hi", postId: "p1", status: .pending), seq: 2)
            let update = try event(
                CommentUpdated(id: "c1", status: .approved, postId: "p1", content: "hi"), seq: 3)
            let log = FakeEventLog([post, comment, update])
            try await makeApp(directory, log: log).test(.router) { client async throws in
                #expect(try await client.postEvent(update).status == .ok)
                let filled = await eventually {
                    (try? await view(client)["p1"]?.comments) == [
                        .init(id: "c1", content: "hi", status: "approved")
                    ]
                }
                #expect(filled)
            }
        }
    }

    @Test func catchUpOnStartSkipsBadEventsAndBecomesReady() async throws {
        try await withDataDirectory { directory in
            let log = FakeEventLog(
                [
                    try event(PostCreated(id: "p1", title: "One"), seq: 1),
                    EventEnvelope(id: "bad", seq: 2, type: "PostCreated", data: .object(["id": .number(3)])),
                    EventEnvelope(id: "odd", seq: 3, type: "SomethingNew", data: .object([:])),
                    try event(PostCreated(id: "p2", title: "Two"), seq: 4),
                ], isDown: true)
            try await makeApp(directory, log: log).test(.router) { client async throws in
                #expect(try await client.get("/readyz").status == .serviceUnavailable)
                #expect(try await client.get("/healthz").status == .ok)
                log.setDown(false)
                #expect(await eventually { (try? await client.get("/readyz").status) == .ok })
                #expect(try await view(client).keys.sorted() == ["p1", "p2"])
                let next = try event(
                    CommentCreated(id: "c1", content: "x", postId: "p2", status: .pending), seq: 5)
                #expect(try await client.postEvent(next).status == .ok)
                #expect(try await view(client)["p2"]?.comments.count == 1)
            }
        }
    }

    @Test func theViewSurvivesARestartAndCatchUpResumesWhereItLeftOff() async throws {
        try await withDataDirectory { directory in
            let log = FakeEventLog([try event(PostCreated(id: "p1", title: "One"), seq: 1)])
            let before = try await makeApp(directory, log: log).test(.router) { client async throws in
                #expect(await eventually { (try? await client.get("/readyz").status) == .ok })
                return try await client.get("/posts").text
            }
            log.append(try event(PostCreated(id: "p2", title: "Two"), seq: 2))
            try await makeApp(directory, log: log).test(.router) { client async throws in
                #expect(await eventually { (try? await view(client).count) == 2 })
                #expect(try await client.get("/posts").text.hasPrefix(String(before.dropLast())))
            }
        }
    }

    @Test func refusesMalformedEvents() async throws {
        try await withDataDirectory { directory in
            try await makeApp(directory, log: FakeEventLog()).test(.router) { client async throws in
                for body in [
                    "{", #"{"type": "PostCreated"}"#, #"{"type": "PostCreated", "data": "x"}"#, "[]",
                ] {
                    let response = try await client.postJSON("/events", body)
                    #expect(response.status == .badRequest, "\(body)")
                    #expect(response.errorMessage != nil)
                }
                #expect(try await client.get("/posts").text == "{}")
            }
        }
    }

    // Over a real socket, through the server's own pipeline with the fast path in it.
    @Test func overASocketAReadFromTheCacheMatchesTheRoutersAndANewEventShowsInTheNextRead() async throws {
        try await withDataDirectory { directory in
            try await makeApp(directory, log: FakeEventLog()).test(.live) { client async throws in
                #expect(try await client.postEvent(event(PostCreated(id: "p1", title: "One"), seq: 1)).status == .ok)
                let rendered = try await client.get("/posts")  // a miss: the router renders and fills the cache
                let cached = try await client.get("/posts")
                #expect(cached.status == .ok)
                #expect(String(buffer: cached.body) == #"{"p1":{"id":"p1","title":"One","comments":[]}}"#)
                #expect(cached.body == rendered.body)
                #expect(cached.headers.map(\.name) == rendered.headers.map(\.name))
                #expect(cached.headers[.contentType] == "application/json; charset=utf-8")
                #expect(cached.headers[.contentLength] == String(rendered.body.readableBytes))
                #expect(cached.headers[.date] != nil)
                for seq in Int64(2)...6 {
                    let comment = try event(
                        CommentCreated(id: "c\(seq)", content: "n\(seq)", postId: "p1", status: .pending), seq: seq)
                    #expect(try await client.postEvent(comment).status == .ok)
                    #expect(try await view(client)["p1"]?.comments.last?.id == "c\(seq)")
                    #expect(try await view(client)["p1"]?.comments.count == Int(seq) - 1)
                }
                #expect(try await client.get("/healthz").status == .ok)
                #expect(try await client.postJSON("/events", "{").status == .badRequest)
            }
        }
    }

    @Test func overASocketTheFastPathWritesTheRoutersBytesAndBadRequestsStillGetA400() async throws {
        try await withDataDirectory { directory in
            try await makeApp(directory, log: FakeEventLog()).test(.live) { client async throws in
                let port = try #require(client.port)
                #expect(try await client.postEvent(event(PostCreated(id: "p1", title: "One"), seq: 1)).status == .ok)
                let get = "GET /posts HTTP/1.1\r\nHost: query\r\n\r\n"
                // A miss (the router renders), then two reads from the cache, pipelined on one connection.
                let answers = try RawHTTP.exchange(port: port, get + get + get, answers: 3)
                let view = #"{"p1":{"id":"p1","title":"One","comments":[]}}"#
                #expect(answers.map(\.body) == [view, view, view])
                let heads = answers.map { PostsFastPathTests.withoutDates($0.head + "\r\n") }
                #expect(
                    heads[0]
                        == "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: \(view.utf8.count)\r\nDate: <date>\r\n"
                )
                #expect(heads[1] == heads[0] && heads[2] == heads[0])
                // Malformed heads go to NIO's decoder and get Hummingbird's answer.
                for bad in [
                    "GET /posts HTTP/1.1\r\nHost : query\r\n\r\n", "GET /posts HTTP/1.1\r\nContent-Length: x\r\n\r\n",
                ] {
                    let answer = try RawHTTP.exchange(port: port, bad, answers: 1)
                    #expect(answer.first?.head.hasPrefix("HTTP/1.1 400 Bad Request\r\n") == true, "\(bad)")
                }
            }
        }
    }

    @Test func overASocketAReadPipelinedBehindAnEventShowsTheEvent() async throws {
        try await withDataDirectory { directory in
            try await makeApp(directory, log: FakeEventLog()).test(.live) { client async throws in
                let port = try #require(client.port)
                #expect(try await client.get("/posts").text == "{}")
                #expect(try await client.get("/posts").text == "{}")  // now cached
                let created = String(
                    decoding: try JSONEncoder().encode(event(PostCreated(id: "p1", title: "Piped"), seq: 1)),
                    as: UTF8.self)
                let post =
                    "POST /events HTTP/1.1\r\nHost: query\r\nContent-Type: application/json\r\nContent-Length: \(created.utf8.count)\r\n\r\n\(created)"
                let get = "GET /posts HTTP/1.1\r\nHost: query\r\n\r\n"
                let answers = try RawHTTP.exchange(port: port, post + get + get, answers: 3)
                let view = #"{"p1":{"id":"p1","title":"Piped","comments":[]}}"#
                #expect(answers.map(\.body) == ["{}", view, view])
                #expect(answers.allSatisfy { $0.head.hasPrefix("HTTP/1.1 200 OK\r\n") })
                // And on a new connection, with the cache refilled.
                #expect(try RawHTTP.exchange(port: port, get, answers: 1).map(\.body) == [view])
            }
        }
    }
}
