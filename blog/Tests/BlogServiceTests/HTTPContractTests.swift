import BlogCore
import CommentsService
import EventBusService
import Foundation
import Hummingbird
import HummingbirdTesting
import PostsService
import QueryService
import Testing

/// What every service owes an HTTP client, whatever its routes: HEAD like GET without a body,
/// 405 with `Allow` for a known path and another method, bounded user text, and error messages
/// in the words of the JSON that was sent.
@Suite struct HTTPContractTests {
    func posts(_ directory: String) async throws -> some ApplicationProtocol {
        try await PostsService.buildApplication(
            configuration: PostsConfiguration(settings: settings("posts", directory), publishWait: .milliseconds(10)),
            publisher: RecordingPublisher())
    }

    func comments(_ directory: String) async throws -> some ApplicationProtocol {
        try await CommentsService.buildApplication(
            configuration: CommentsConfiguration(
                settings: settings("comments", directory), unknownPostWait: .milliseconds(50)),
            publisher: RecordingPublisher())
    }

    @Test func headAnswersLikeGetWithoutABodyOnEveryRoute() async throws {
        try await withDataDirectory { directory in
            try await posts(directory).test(.router) { client async throws in
                _ = try await client.postJSON("/posts/create", #"{"title": "Hello"}"#)
                for path in ["/posts", "/healthz", "/readyz"] {
                    let get = try await client.get(path)
                    let head = try await client.execute(uri: path, method: .head)
                    #expect(get.status == .ok, "\(path)")
                    #expect(head.status == .ok, "\(path)")
                    #expect(head.body.readableBytes == 0, "\(path)")
                    #expect(head.headers[.contentType] == get.headers[.contentType], "\(path)")
                    #expect(head.headers[.contentLength] == String(get.body.readableBytes), "\(path)")
                }
                // Errors answered to HEAD carry no body either.
                let missing = try await client.execute(uri: "/nowhere", method: .head)
                #expect(missing.status == .notFound)
                #expect(missing.body.readableBytes == 0)
            }
        }
    }

    @Test func aKnownPathWithAnotherMethodIs405WithAllow() async throws {
        try await withDataDirectory { directory in
            try await posts(directory).test(.router) { client async throws in
                let get = try await client.get("/posts/create")
                #expect(get.status == .methodNotAllowed)
                #expect(get.headers[.allow] == "POST")
                #expect(get.errorMessage == "GET is not allowed on /posts/create; it answers POST")
                let delete = try await client.execute(uri: "/posts", method: .delete)
                #expect(delete.status == .methodNotAllowed)
                #expect(delete.headers[.allow] == "GET, HEAD")
                let head = try await client.execute(uri: "/events", method: .head)
                #expect(head.status == .methodNotAllowed)
                #expect(head.headers[.allow] == "POST")
                #expect(head.body.readableBytes == 0)
                #expect(try await client.get("/nowhere").status == .notFound)
            }
            try await comments(directory + "-comments").test(.router) { client async throws in
                // A path with a parameter: any id is the same route.
                let put = try await client.execute(uri: "/posts/p1/comments", method: .put)
                #expect(put.status == .methodNotAllowed)
                #expect(put.headers[.allow] == "GET, HEAD, POST")
            }
        }
    }

    @Test func titlesAndCommentsAreLimitedLikeTheForm() async throws {
        #expect(TextLimits.maxLength == 1000)
        let longest = String(repeating: "é", count: TextLimits.maxLength)
        let tooLong = longest + "x"
        try await withDataDirectory { directory in
            try await posts(directory).test(.router) { client async throws in
                #expect(try await client.postJSON("/posts/create", #"{"title": "\#(longest)"}"#).status == .created)
                let refused = try await client.postJSON("/posts/create", #"{"title": "\#(tooLong)"}"#)
                #expect(refused.status == .badRequest)
                #expect(refused.errorMessage == "title is 1001 characters long; at most 1000 are allowed")
                let form = try await client.postForm("/posts/create", "title=" + String(repeating: "x", count: 1001))
                #expect(form.status == .badRequest)
                // Nothing was stored for the refused ones.
                #expect(try await client.get("/posts").decode([String: [String: String]].self).count == 1)
            }
            try await comments(directory + "-comments").test(.router) { client async throws in
                #expect(try await client.postEvent(event(PostCreated(id: "p1", title: "Post"))).status == .ok)
                let refused = try await client.postJSON("/posts/p1/comments", #"{"content": "\#(tooLong)"}"#)
                #expect(refused.status == .badRequest)
                #expect(refused.errorMessage == "content is 1001 characters long; at most 1000 are allowed")
                #expect(
                    try await client.postJSON("/posts/p1/comments", #"{"content": "\#(longest)"}"#).status
                        == .created)
            }
        }
    }

    @Test func wrongJSONIsNamedByFieldAndExpectedJSONNeverBySwiftType() async throws {
        try await withDataDirectory { directory in
            try await posts(directory).test(.router) { client async throws in
                let cases: [(body: String, message: String)] = [
                    ("[]", #"request body must be a JSON object, like {"title": "My first post"}; got an array"#),
                    ("null", #"request body must be a JSON object, like {"title": "My first post"}, not null"#),
                    (
                        #""title""#,
                        #"request body must be a JSON object, like {"title": "My first post"}; got a string"#
                    ),
                    (#"{"title": 5}"#, "field `title` must be a string; got a number"),
                    (#"{"title": ["a"]}"#, "field `title` must be a string; got an array"),
                    (#"{"title": null}"#, "field `title` must be a string, not null"),
                    (#"{"name": "x"}"#, #"missing field `title`; send {"title": "My first post"}"#),
                    ("{", #"body is not valid JSON; send {"title": "My first post"}"#),
                ]
                for (body, message) in cases {
                    let response = try await client.postJSON("/posts/create", body)
                    #expect(response.status == .badRequest, "\(body)")
                    #expect(response.errorMessage == message, "\(body)")
                }
                let event = try await client.postJSON("/events", #"{"type": 1, "data": {}}"#)
                #expect(event.status == .badRequest)
                #expect(event.errorMessage == "field `type` must be a string; got a number")
                for body in ["[]", "null", #"{"title": 5}"#] {
                    let response = try await client.postJSON("/posts/create", body)
                    #expect(response.errorMessage?.contains("Dictionary") == false)
                    #expect(response.errorMessage?.contains("String") == false)
                }
            }
        }
    }

    @Test func queryAnswersHeadOnPostsBesideItsFastPath() async throws {
        try await withDataDirectory { directory in
            let app = try await QueryService.buildApplication(
                configuration: QueryConfiguration(
                    settings: settings("query", directory), pollInterval: .milliseconds(100),
                    retryCap: .milliseconds(50)),
                eventLog: FakeEventLog())
            try await app.test(.live) { client async throws in
                let port = try #require(client.port)
                #expect(try await client.postEvent(event(PostCreated(id: "p1", title: "One"), seq: 1)).status == .ok)
                let get = "GET /posts HTTP/1.1\r\nHost: query\r\n\r\n"
                let head = "HEAD /posts HTTP/1.1\r\nHost: query\r\n\r\n"
                let view = #"{"p1":{"id":"p1","title":"One","comments":[]}}"#
                // GET fills the cache; HEAD, pipelined behind GETs the fast path answers, gets the
                // same head and no body, and the GET behind it still gets its body.
                let answers = try RawHTTP.exchange(port: port, get + get + head + get, answers: 4, toHEAD: [2])
                #expect(answers.map(\.body) == [view, view, "", view])
                #expect(answers[2].head.hasPrefix("HTTP/1.1 200 OK\r\n"))
                #expect(answers[2].head.contains("Content-Length: \(view.utf8.count)\r\n"))
                let alone = try RawHTTP.exchange(port: port, head + get, answers: 2, toHEAD: [0])
                #expect(alone.map(\.body) == ["", view])
            }
        }
    }
}
