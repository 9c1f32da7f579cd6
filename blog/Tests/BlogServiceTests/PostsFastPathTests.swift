import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import QueryService

#if canImport(Glibc)
    import Glibc
#endif

/// The fast path in the same pipeline Hummingbird builds (NIO's HTTP/1 server handlers), without a
/// socket: bytes in, bytes out. `Hummingbird` stands in for the rest of the pipeline: it records
/// the requests passed on and answers them when a test says so.
@Suite struct PostsFastPathTests {
    final class Hummingbird: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        var heads: [HTTPRequestHead] = []
        var bodies: [String] = []
        var ends = 0
        var errors: [any Error] = []
        var events: [String] = []
        private var context: ChannelHandlerContext?

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): heads.append(head)
            case .body(let body): bodies.append(String(buffer: body))
            case .end: ends += 1
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            errors.append(error)
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is ChannelShouldQuiesceEvent { events.append("quiesce") }
            if (event as? ChannelEvent) == .inputClosed { events.append("inputClosed") }
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

    /// The answers with their `Date` values replaced by `<date>`.
    static func withoutDates(_ answers: String) -> String {
        var text = answers
        var searchFrom = text.startIndex
        while let start = text.range(of: "\r\nDate: ", range: searchFrom..<text.endIndex),
            let end = text.range(of: "\r\n", range: start.upperBound..<text.endIndex)
        {
            text.replaceSubrange(start.upperBound..<end.lowerBound, with: "<date>")
            searchFrom = text.index(start.upperBound, offsetBy: "<date>".count)
        }
        return text
    }

    @Test func answersGetPostsFromTheCachedBodyWithoutPassingItOn() async throws {
        let body = #"{"p1":{"id":"p1","title":"Hello","comments":[]}}"#
        try await fillCache(body)
        try send(Self.get)
        let answer = try output()
        #expect(Self.withoutDates(answer) == Self.expectedAnswer(body, date: "<date>"))
        // The Date is the current second's, as Hummingbird writes it.
        let dates = (-1...1).map { PostsAnswer.httpDate(secondsSince1970: Int(time(nil)) + $0) }
        #expect(dates.contains { answer == Self.expectedAnswer(body, date: $0) })
        #expect(hummingbird.heads.isEmpty)
        // Keep-alive, pipelined: both in one read, both answered, in one flush.
        try send(Self.get + Self.get)
        #expect(
            Self.withoutDates(try output()) == String(repeating: Self.expectedAnswer(body, date: "<date>"), count: 2))
        #expect(hummingbird.heads.isEmpty)
    }

    @Test func aRequestSplitAcrossReadsIsAnsweredOnceItIsComplete() async throws {
        try await fillCache("{}")
        let request = Array((Self.get + Self.get).utf8)
        let first = Self.get.utf8.count
        for (index, byte) in request.enumerated() {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
            let answers = try output().components(separatedBy: "HTTP/1.1 200 OK").count - 1
            #expect(answers == (index == first - 1 || index == request.count - 1 ? 1 : 0), "after byte \(index)")
        }
        #expect(hummingbird.heads.isEmpty)
    }

    @Test func aCacheMissGoesToTheRouterAndReadsBehindItWaitForItsAnswer() async throws {
        // A miss, with two reads pipelined behind it.
        try send(Self.get + Self.get + Self.get)
        #expect(hummingbird.heads.map(\.uri) == ["/posts"])
        #expect(hummingbird.ends == 1)
        #expect(try output().isEmpty)
        // The router renders (and fills the cache); its answer goes first, then the held reads.
        try await fillCache("{\"fresh\":1}")
        hummingbird.respond("{\"router\":1}")
        channel.embeddedEventLoop.run()
        let answers = try output()
        #expect(answers.components(separatedBy: "HTTP/1.1 200 OK").count - 1 == 3)
        let routers = try #require(answers.range(of: "{\"router\":1}"))
        let fresh = try #require(answers.range(of: "{\"fresh\":1}"))
        #expect(routers.lowerBound < fresh.lowerBound)
        #expect(hummingbird.heads.count == 1)

        // An invalidated body is never served: the next read is a miss again.
        cache.invalidate()
        try send(Self.get)
        #expect(try output().isEmpty)
        #expect(hummingbird.heads.count == 2)
    }

    @Test func everyOtherRequestGoesToTheRouterUnchanged() async throws {
        let others = [
            "POST /posts HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
            "HEAD /posts HTTP/1.1\r\n\r\n",
            "GET /posts/ HTTP/1.1\r\n\r\n",
            "GET /posts?x=1 HTTP/1.1\r\n\r\n",
            "GET /Posts HTTP/1.1\r\n\r\n",
            "GET /healthz HTTP/1.1\r\n\r\n",
            "GET /posts HTTP/1.0\r\n\r\n",
            "GET http://query/posts HTTP/1.1\r\n\r\n",
            "GET /posts HTTP/1.1\r\nConnection: close\r\n\r\n",
            "GET /posts HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\nUpgrade: h2c\r\n\r\n",
            "GET /posts HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
            "GET /posts HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
            "GET /posts HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
            "GET /posts HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
            "GET /posts HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "GET /posts HTTP/1.1\r\nX-Long: \(String(repeating: "x", count: PostsRequestHead.maxLength))\r\n\r\n",
        ]
        var methods: [HTTPMethod] = []
        for (index, request) in others.enumerated() {
            // A connection each: after `Connection: close` or HTTP/1.0 the parser takes no more.
            let connection = try PostsFastPathTests()
            try await connection.fillCache("{}")
            try connection.send(request)
            #expect(connection.hummingbird.heads.count == 1, "\(request)")
            #expect(connection.hummingbird.ends == 1, "\(request)")
            #expect(connection.hummingbird.errors.isEmpty, "\(request)")
            #expect(try connection.output().isEmpty, "\(request)")
            methods += connection.hummingbird.heads.map(\.method)
            connection.hummingbird.respond("r\(index)")
            let answer = try connection.output()
            #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(request)")
            // NIO's encoder drops the body of an answer to HEAD, as it knows the request's method.
            #expect(answer.hasSuffix("\r\n\r\n" + (request.hasPrefix("HEAD") ? "" : "r\(index)")), "\(request)")
        }
        #expect(methods == [.POST, .HEAD] + Array(repeating: .GET, count: others.count - 2))
    }

    @Test func headerSpellingsOfAPlainGetAreStillAnsweredHere() async throws {
        try await fillCache("{}")
        try send("GET /posts HTTP/1.1\r\nconnection:Keep-Alive \r\ncontent-length: 0\r\nAccept:\t*/*\r\n\r\n")
        try send("GET /posts HTTP/1.1\r\n\r\n")
        #expect(try output().components(separatedBy: "HTTP/1.1 200 OK").count - 1 == 2)
        #expect(hummingbird.heads.isEmpty)
    }

    @Test func afterARequestItDoesNotRecogniseTheConnectionStaysWithTheRouter() async throws {
        try await fillCache("{\"cached\":1}")
        // Pipelined: a read answered here, an event, then a read. The read behind the event must
        // not overtake the event's answer: it goes to the router as well.
        try send(Self.get + "POST /events HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}" + Self.get)
        #expect(try output().hasSuffix("{\"cached\":1}"))
        #expect(hummingbird.heads.map(\.uri) == ["/events", "/posts"])
        #expect(hummingbird.bodies == ["{}"])
        hummingbird.respond("{}")
        hummingbird.respond("{\"fresh\":1}")
        let answers = try output()
        #expect(answers.hasSuffix("\r\n\r\n{\"fresh\":1}"))
        #expect(
            try #require(answers.range(of: "{}")).lowerBound < (try #require(answers.range(of: "fresh"))).lowerBound)
        // For good: later reads on the connection go to the router too.
        try send(Self.get)
        #expect(hummingbird.heads.count == 3)
        #expect(try output().isEmpty)
    }

    @Test func aMalformedRequestReachesTheDecoderAtOnce() async throws {
        try await fillCache("{}")
        // A space before the colon is refused by NIO's parser as soon as it sees it, before the
        // head is complete: the fast path must not sit on such bytes.
        try send(Self.get + "GET /posts HTTP/1.1\r\nHost : query\r\n")
        #expect(try output().hasSuffix("{}"))
        #expect(hummingbird.errors.count == 1)
        #expect(hummingbird.heads.isEmpty)

        let garbage = try PostsFastPathTests()
        try await garbage.fillCache("{}")
        try garbage.send("GE\u{1}")
        #expect(garbage.hummingbird.errors.count == 1)
    }

    @Test func quiescingWaitsForAnswersWrittenAndThenLeavesEverythingToTheRouter() async throws {
        try await fillCache("{}")
        try send(Self.get + "GET /posts HTTP/1.1\r\nHost: qu")  // an answer, and half a request
        #expect(try output().hasSuffix("{}"))
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        // The half request went to the decoder, and the event reached Hummingbird's side once the
        // answer had been written (at once here: the embedded channel's writes complete on flush).
        #expect(hummingbird.events == ["quiesce"])
        try send("ery\r\n\r\n")
        #expect(hummingbird.heads.map(\.uri) == ["/posts"])
        #expect(try output().isEmpty)
    }

    @Test func anEventWaitsUntilTheAnswersBeforeItHaveBeenWritten() async throws {
        // On a real socket a write completes when the kernel took it; here, when it is flushed.
        try await fillCache("{}")
        let held = HoldWrites()
        try channel.pipeline.syncOperations.addHandler(held, position: .first)
        try send(Self.get)
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(hummingbird.events.isEmpty)
        held.release()
        #expect(hummingbird.events == ["inputClosed"])
    }

    @Test func whileAnsweringItAsksForReadsItselfAndTheyWaitWhileTheSocketIsFull() async throws {
        try await fillCache("{}")
        let reads = CountReads()
        try channel.pipeline.syncOperations.addHandler(reads, position: .first)
        try send(Self.get)
        #expect(reads.count == 1)  // asked for by the fast path once it had answered
        channel.isWritable = false
        try send(Self.get)
        #expect(try output().hasSuffix("{}"))
        #expect(reads.count == 1)
        // NIO's auto-read, from the tail of the pipeline, waits for the socket as well.
        channel.pipeline.syncOperations.read()
        #expect(reads.count == 1)
        channel.isWritable = true
        channel.pipeline.syncOperations.fireChannelWritabilityChanged()
        #expect(reads.count == 2)
        // Once the connection is Hummingbird's, reads are the pipeline's business.
        channel.isWritable = false
        try send("POST /events HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
        #expect(hummingbird.heads.map(\.uri) == ["/events"])
        #expect(reads.count == 2)
        channel.pipeline.syncOperations.read()
        #expect(reads.count == 3)
    }

    /// Counts the reads that reach the socket.
    final class CountReads: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var count = 0

        func read(context: ChannelHandlerContext) {
            count += 1
            context.read()
        }
    }

    /// Keeps writes (and their promises) until `release`.
    final class HoldWrites: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        private var writes: [(NIOAny, EventLoopPromise<Void>?)] = []
        private var context: ChannelHandlerContext?

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            writes.append((data, promise))
        }

        func flush(context: ChannelHandlerContext) {}

        func release() {
            guard let context else { return }
            for (data, promise) in writes { context.write(data, promise: promise) }
            writes = []
            context.flush()
        }
    }

    @Test func logsEachRequestItAnswersAsTheRouterDoesAtInfo() async throws {
        let log = CapturedLog()
        let atInfo = try PostsFastPathTests(logger: log.logger(level: .info))
        try await atInfo.fillCache("{}")
        try atInfo.send(Self.get + Self.get)
        #expect(atInfo.hummingbird.heads.isEmpty)
        let entries = log.entries
        #expect(entries.map(\.message) == ["Request", "Request"])
        #expect(entries.allSatisfy { $0.level == .info && $0.source == "Hummingbird" })
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

    @Test func recognisesOnlyCompletePlainGetPostsHeads() {
        func match(_ text: String) -> PostsRequestHead.Match {
            Array(text.utf8).withUnsafeBytes { PostsRequestHead.match($0) }
        }
        #expect(match(Self.get) == .complete(length: Self.get.utf8.count))
        #expect(match(Self.get + "GET") == .complete(length: Self.get.utf8.count))
        for end in 0..<Self.get.utf8.count {
            #expect(
                match(String(decoding: Array(Self.get.utf8.prefix(end)), as: UTF8.self)) == .incomplete, "\(end) bytes")
        }
        #expect(match("GET /posts HTTP/1.1\r\nX-Ok: a\tb \r\n\r\n") == .complete(length: 35))
        #expect(match("GET /posts HTTP/1.1\r\nX: \u{7F}\r\n\r\n") == .other)
        #expect(match("GET /posts HTTP/1.1\r\nX: é\r\n\r\n") == .other)
        #expect(match("GET /posts HTTP/1.1\r\n folded: x\r\n\r\n") == .other)
        #expect(match("GET /posts HTTP/1.1\r\n: empty name\r\n\r\n") == .other)
        #expect(match("GET /posts HTTP/1.1\r\nX: bare lf\n\r\n") == .other)
        #expect(match("GET /posts HTTP/1.1\r\nX: y\r\r\n") == .other)
        #expect(match("GET /posts HTTP/1.1\r\n\r\r") == .other)
        #expect(match("\r\nGET /posts HTTP/1.1\r\n\r\n") == .other)
        #expect(match("GET  /posts HTTP/1.1\r\n\r\n") == .other)
        #expect(match("GET /posts HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n") == .other)
        #expect(match("GET /posts HTTP/1.1\r\nContent-Length: 00\r\n\r\n") == .other)
        #expect(match("GET /posts HTTP/1.1\r\nTransfer-Enc") == .incomplete)
        let manyFields = (0...PostsRequestHead.maxFields).map { "X-\($0): y\r\n" }.joined()
        #expect(match("GET /posts HTTP/1.1\r\n\(manyFields)\r\n") == .other)
        let long = "GET /posts HTTP/1.1\r\nX: \(String(repeating: "x", count: PostsRequestHead.maxLength))"
        #expect(match(long) == .other)
    }

    @Test func theAnswerIsRebuiltWhenTheSecondOrTheViewChanges() async throws {
        #expect(PostsAnswer.httpDate(secondsSince1970: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(PostsAnswer.httpDate(secondsSince1970: 1_796_153_031) == "Tue, 01 Dec 2026 19:23:51 GMT")
        var answer = PostsAnswer()
        // Mutating calls, so not inside #expect/#require.
        let none = answer.bytes(from: cache, now: 100)
        #expect(none == nil)
        try await fillCache("{}")
        let first = answer.bytes(from: cache, now: 100).map { String(buffer: $0) }
        #expect(first == Self.expectedAnswer("{}", date: "Thu, 01 Jan 1970 00:01:40 GMT"))
        let next = answer.bytes(from: cache, now: 101).map { String(buffer: $0) }
        #expect(next == Self.expectedAnswer("{}", date: "Thu, 01 Jan 1970 00:01:41 GMT"))
        cache.invalidate()
        let invalidated = answer.bytes(from: cache, now: 101)
        #expect(invalidated == nil)
        try await fillCache("{\"a\":1}")
        let refilled = answer.bytes(from: cache, now: 101).map { String(buffer: $0) }
        #expect(refilled?.hasSuffix("\r\n\r\n{\"a\":1}") == true)
    }
}
