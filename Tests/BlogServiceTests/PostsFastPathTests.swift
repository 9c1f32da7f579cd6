import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import QueryService

/// The fast path in the same pipeline Hummingbird builds (NIO's HTTP/1 server handlers), without a
/// socket: bytes in, bytes out. `Hummingbird` stands in for the rest of the pipeline: it records
/// the requests passed on and answers them when a test says so.
@Suite struct PostsFastPathTests {
    final class Hummingbird: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        var heads: [HTTPRequestHead] = []
        var ends = 0
        var quiesceEvents = 0
        private var context: ChannelHandlerContext?

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): heads.append(head)
            case .body: break
            case .end: ends += 1
            }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is ChannelShouldQuiesceEvent { quiesceEvents += 1 }
        }

        /// Answers the oldest request passed on with `text`.
        func respond(_ text: String) {
            guard let context else { return }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: String(text.utf8.count))
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil
            )
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    let channel = EmbeddedChannel()
    let cache = PostsViewCache()
    let hummingbird = Hummingbird()

    init() throws {
        try self.init(logger: Logger(label: "query-test"))
    }

    init(logger: Logger) throws {
        let pipeline = channel.pipeline.syncOperations
        try pipeline.configureHTTPServerPipeline(
            withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false)
        try PostsFastPathHandler.insert(into: pipeline, cache: cache, logger: logger)
        try pipeline.addHandler(hummingbird)
    }

    func send(_ text: String) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    /// Everything written to the socket since the last call.
    func output() throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            text += String(buffer: buffer)
        }
        return text
    }

    func fillCache(_ body: String) async throws {
        _ = try await cache.body(orRender: { body })
    }

    static let get = "GET /posts HTTP/1.1\r\nHost: query\r\n\r\n"

    static func expectedAnswer(_ body: String, date: String) -> String {
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nDate: \(date)\r\n\r\n\(body)"
    }

    /// The answer with its `Date` value replaced by `<date>`.
    static func withoutDate(_ answer: String) -> String {
        guard let start = answer.range(of: "\r\nDate: "), let end = answer[start.upperBound...].range(of: "\r\n")
        else { return answer }
        return answer.replacingCharacters(in: start.upperBound..<end.lowerBound, with: "<date>")
    }

    @Test func answersGetPostsFromTheCachedBodyWithoutPassingItOn() async throws {
        try await fillCache(#"{"p1":{"id":"p1","title":"Hello","comments":[]}}"#)
        try send(Self.get)
        #expect(
            Self.withoutDate(try output())
                == Self.expectedAnswer(#"{"p1":{"id":"p1","title":"Hello","comments":[]}}"#, date: "<date>"))
        #expect(hummingbird.heads.isEmpty)
        // Keep-alive: the next request on the connection is answered the same way.
        try send(Self.get + Self.get)
        #expect(try output().components(separatedBy: "HTTP/1.1 200 OK").count == 3)
        #expect(hummingbird.heads.isEmpty)
    }

    @Test func aCacheMissGoesToTheRouterAndAnInvalidatedBodyIsNeverServed() async throws {
        try send(Self.get)
        #expect(hummingbird.heads.map(\.uri) == ["/posts"])
        #expect(hummingbird.ends == 1)
        hummingbird.respond("{}")
        #expect(try output().hasSuffix("\r\n\r\n{}"))

        try await fillCache("{\"old\":1}")
        try send(Self.get)
        #expect(try output().hasSuffix("{\"old\":1}"))
        cache.invalidate()
        try send(Self.get)
        #expect(try output().isEmpty)
        #expect(hummingbird.heads.count == 2)
    }

    @Test func everyOtherRequestGoesToTheRouterUnchanged() async throws {
        try await fillCache("{}")
        let others = [
            "POST /posts HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
            "HEAD /posts HTTP/1.1\r\n\r\n",
            "GET /posts/ HTTP/1.1\r\n\r\n",
            "GET /posts?x=1 HTTP/1.1\r\n\r\n",
            "GET /healthz HTTP/1.1\r\n\r\n",
            "GET /posts HTTP/1.0\r\n\r\n",
            "GET /posts HTTP/1.1\r\nConnection: close\r\n\r\n",
            "GET /posts HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
            "GET /posts HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
            "GET /posts HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        ]
        var methods: [HTTPMethod] = []
        for (index, request) in others.enumerated() {
            // A connection each: after `Connection: close` or HTTP/1.0 the parser takes no more.
            let connection = try PostsFastPathTests()
            try await connection.fillCache("{}")
            try connection.send(request)
            #expect(connection.hummingbird.heads.count == 1, "\(request)")
            #expect(connection.hummingbird.ends == 1, "\(request)")
            #expect(try connection.output().isEmpty, "\(request)")
            methods += connection.hummingbird.heads.map(\.method)
            connection.hummingbird.respond("r\(index)")
            let answer = try connection.output()
            #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(request)")
            // NIO's encoder drops the body of an answer to HEAD, as it knows the request's method.
            #expect(answer.hasSuffix("\r\n\r\n" + (request.hasPrefix("HEAD") ? "" : "r\(index)")), "\(request)")
        }
        #expect(methods == [.POST, .HEAD] + Array(repeating: .GET, count: 8))
        // A keep-alive header still counts as a plain GET.
        try send("GET /posts HTTP/1.1\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n")
        #expect(try output().hasSuffix("\r\n\r\n{}"))
        #expect(hummingbird.heads.isEmpty)
    }

    @Test func answersStayInRequestOrderBehindARequestTheRouterStillHandles() async throws {
        try await fillCache("{\"cached\":1}")
        // Pipelined: an event, then a read. The read must not overtake the event's answer.
        try send("POST /events HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}" + Self.get)
        #expect(hummingbird.heads.map(\.uri) == ["/events", "/posts"])
        #expect(try output().isEmpty)
        hummingbird.respond("{}")
        hummingbird.respond("{\"fresh\":1}")
        let answers = try output()
        #expect(answers.hasSuffix("\r\n\r\n{\"fresh\":1}"))
        #expect(answers.range(of: "{}")!.lowerBound < answers.range(of: "fresh")!.lowerBound)
        // Once the router has answered everything, reads are served here again.
        try send(Self.get)
        #expect(try output().hasSuffix("{\"cached\":1}"))
        #expect(hummingbird.heads.count == 2)
    }

    @Test func afterQuiesceTheRouterAnswersAndClosesAsBefore() async throws {
        try await fillCache("{}")
        try send(Self.get)
        #expect(try output().hasSuffix("{}"))
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        // The earlier answer was flushed, so the event reaches Hummingbird's side at once.
        #expect(hummingbird.quiesceEvents == 1)
        try send(Self.get)
        #expect(hummingbird.heads.count == 1)
        #expect(try output().isEmpty)
    }

    @Test func logsEachRequestItAnswersAsTheRouterDoesAtInfo() async throws {
        let log = CapturedLog()
        let atInfo = try PostsFastPathTests(logger: log.logger(level: .info))
        try await atInfo.fillCache("{}")
        try atInfo.send(Self.get + Self.get)
        #expect(atInfo.hummingbird.heads.isEmpty)
        let entries = log.entries
        #expect(entries.map(\.message) == ["Request", "Request"])
        #expect(entries.allSatisfy { $0.level == .info })
        #expect(entries.allSatisfy { $0.metadata["hb.request.path"]?.description == "/posts" })
        #expect(entries.allSatisfy { $0.metadata["hb.request.method"]?.description == "GET" })
        let ids = entries.compactMap { $0.metadata["hb.request.id"]?.description }
        #expect(ids.count == 2 && ids[0] != ids[1])

        let quiet = CapturedLog()
        let atWarning = try PostsFastPathTests(logger: quiet.logger(level: .warning))
        try await atWarning.fillCache("{}")
        try atWarning.send(Self.get)
        #expect(try atWarning.output().hasSuffix("{}"))
        #expect(quiet.entries.isEmpty)
    }

    @Test func theDateHeaderIsAnIMFFixdate() {
        #expect(ResponseHeadCache.httpDate(secondsSince1970: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(ResponseHeadCache.httpDate(secondsSince1970: 1_796_153_031) == "Tue, 01 Dec 2026 19:23:51 GMT")
        var cache = ResponseHeadCache()
        let first = cache.head(contentLength: 2, now: 100)
        #expect(first.headers["Date"] == ["Thu, 01 Jan 1970 00:01:40 GMT"])
        #expect(cache.head(contentLength: 3, now: 100).headers["Content-Length"] == ["3"])
        #expect(cache.head(contentLength: 3, now: 101).headers["Date"] == ["Thu, 01 Jan 1970 00:01:41 GMT"])
    }
}
