import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension HTTPServerBuilder {
    /// HTTP/1.1 as `.http1()` builds it, plus `PostsFastPathHandler` in each connection's pipeline.
    static func http1AnsweringPosts(from cache: PostsViewCache, logger: Logger) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            PostsFastPathChannel(base: HTTP1Channel(responder: responder), cache: cache, logger: logger)
        }
    }
}

/// Hummingbird's HTTP/1 child channel with the fast path inserted right after the request decoder.
struct PostsFastPathChannel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let cache: PostsViewCache
    let logger: Logger

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let cache = cache
        let requestLogger = self.logger
        return base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            try PostsFastPathHandler.insert(into: channel.pipeline.syncOperations, cache: cache, logger: requestLogger)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Answers `GET /posts` from the cached encoded view on the connection's event loop, so the
/// request never hops to the Swift concurrency pool and never walks the router. It sits between
/// NIO's HTTP/1 decoder and Hummingbird's codec; every request it does not answer passes through
/// untouched, and so does every response Hummingbird writes.
///
/// It answers only a plain `GET /posts` (HTTP/1.1, no body, no `Connection` other than keep-alive,
/// no `Expect`/`Upgrade`) while the cache holds a body, no earlier request of the connection is
/// still with Hummingbird (responses stay in request order) and the server is not shutting down.
/// Anything else, a cache miss included, goes to the router, which renders and refills the cache.
/// The response is the router's: same status, headers (`Date` included) and bytes, and the same
/// request log line.
final class PostsFastPathHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    static let path = "/posts"

    private enum Reading {
        case betweenRequests
        /// The current request belongs to Hummingbird: its parts pass through.
        case forwarding
        /// The current request (bodiless, so complete with its head) has been answered here; its
        /// end is dropped.
        case answered
    }

    private let cache: PostsViewCache
    private let logger: Logger
    /// Read once: a logger's level is fixed, and asking its handler on every request costs.
    private let logsRequests: Bool
    /// This connection's own copy of the cached body: both event loops sharing one buffer would
    /// bounce its reference count between the cores on every answer.
    private var body: (version: UInt64, bytes: ByteBuffer)?
    private var reading = Reading.betweenRequests
    /// Requests passed to Hummingbird whose response end has not been written yet.
    private var forwardedAwaitingResponse = 0
    private var needsFlush = false
    /// Set once the server asks connections to quiesce: from then on Hummingbird answers everything,
    /// and its connection state handler closes the connection when it is idle.
    private var quiescing = false
    /// Completes when the last body written here has reached the socket.
    private var lastAnswerWritten: EventLoopFuture<Void>?
    private var responseHead = ResponseHeadCache()

    init(cache: PostsViewCache, logger: Logger) {
        self.cache = cache
        self.logger = logger
        self.logsRequests = logger.logLevel <= .info
    }

    /// Puts the handler right after NIO's request decoder in an HTTP/1 server pipeline.
    static func insert(
        into pipeline: ChannelPipeline.SynchronousOperations, cache: PostsViewCache, logger: Logger
    ) throws {
        let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
        try pipeline.addHandler(PostsFastPathHandler(cache: cache, logger: logger), position: .after(decoder))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), reading) {
        case (.head(let head), _):
            if let body = answerableBody(for: head) {
                reading = .answered
                answer(context: context, body: body)
            } else {
                reading = .forwarding
                forwardedAwaitingResponse += 1
                context.fireChannelRead(data)
            }
        case (.body, .answered):
            break  // not answered here when there is a body; kept so parts never go astray
        case (.end, .answered):
            reading = .betweenRequests
        case (.end, _):
            reading = .betweenRequests
            context.fireChannelRead(data)
        case (.body, _):
            context.fireChannelRead(data)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            // max: Hummingbird also answers a request the decoder could not parse (400, then close).
            forwardedAwaitingResponse = max(0, forwardedAwaitingResponse - 1)
        }
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent, !quiescing else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        quiescing = true
        // Hummingbird closes an idle connection at once on quiesce, which would drop an answer
        // still in the socket's send queue: the event moves on once the last one has been written.
        guard let lastAnswerWritten else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        lastAnswerWritten.assumeIsolated().whenComplete { _ in
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func answerableBody(for head: HTTPRequestHead) -> ByteBuffer? {
        guard !quiescing, forwardedAwaitingResponse == 0, head.method == .GET, head.uri == Self.path,
            head.version == .http1_1, Self.hasNoSpecialHeaders(head.headers)
        else { return nil }
        guard let version = cache.cachedVersion else { return nil }
        if let body, body.version == version { return body.bytes }
        let (current, shared) = cache.cached
        guard let shared else { return nil }
        let bytes = ByteBuffer(bytes: shared.readableBytesView)
        body = (current, bytes)
        return bytes
    }

    private static func hasNoSpecialHeaders(_ headers: HTTPHeaders) -> Bool {
        if headers.contains(name: "transfer-encoding") || headers.contains(name: "expect")
            || headers.contains(name: "upgrade")
        {
            return false
        }
        for value in headers["content-length"] where value != "0" { return false }
        for value in headers["connection"] where value.lowercased() != "keep-alive" { return false }
        return true
    }

    private func answer(context: ChannelHandlerContext, body: ByteBuffer) {
        if logsRequests {
            var requestLogger = logger
            requestLogger[metadataKey: "hb.request.id"] = .stringConvertible(RequestID())
            requestLogger.info(
                "Request",
                metadata: ["hb.request.path": .string(Self.path), "hb.request.method": .string("GET")])
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.write(wrapOutboundOut(.head(responseHead.head(contentLength: body.readableBytes))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: written)
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
        lastAnswerWritten = written.futureResult
        needsFlush = true
    }
}

/// The `200` head for a body of a given length, with the `Date` header Hummingbird sends
/// (RFC 9110 IMF-fixdate), rebuilt when the second or the length changes.
struct ResponseHeadCache {
    private var second = 0
    private var contentLength = -1
    private var cached = HTTPResponseHead(version: .http1_1, status: .ok)

    mutating func head(contentLength: Int, now: Int = Int(time(nil))) -> HTTPResponseHead {
        if now != second || contentLength != self.contentLength {
            second = now
            self.contentLength = contentLength
            cached.headers = [
                "Content-Type": "application/json; charset=utf-8",
                "Content-Length": String(contentLength),
                "Date": Self.httpDate(secondsSince1970: now),
            ]
        }
        return cached
    }

    static func httpDate(secondsSince1970: Int) -> String {
        var seconds = time_t(secondsSince1970)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func twoDigits(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(days[Int(parts.tm_wday)]), \(twoDigits(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) \(twoDigits(parts.tm_hour)):\(twoDigits(parts.tm_min)):\(twoDigits(parts.tm_sec)) GMT"
    }
}
