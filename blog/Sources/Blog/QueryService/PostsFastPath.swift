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
    /// HTTP/1.1 as `.http1()` builds it, plus `PostsFastPathHandler` at the head of each connection's pipeline.
    static func http1AnsweringPosts(from cache: PostsViewCache, logger: Logger) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            PostsFastPathChannel(base: HTTP1Channel(responder: responder), cache: cache, logger: logger)
        }
    }
}

/// Hummingbird's HTTP/1 child channel with the fast path in front of the request decoder.
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

/// Answers `GET /posts` from the cached encoded view with one pre-encoded buffer (head and body),
/// straight from the socket's bytes: the request is not decoded, never hops to the Swift
/// concurrency pool and never walks the router. It sits at the head of the pipeline, before NIO's
/// HTTP/1 decoder.
///
/// It answers only request heads it recognises completely: exactly `GET /posts HTTP/1.1`, plain
/// header lines, no body, no `Transfer-Encoding`/`Expect`/`Upgrade`, `Connection` only
/// `keep-alive` (`PostsRequestHead`). The first bytes it does not recognise, and everything after
/// them, go to the decoder unchanged, and the connection stays on Hummingbird's path for good; so
/// do bytes after the server starts quiescing or the client closes its side. A recognised request
/// the cache cannot answer (a miss) goes to the router alone; the bytes behind it wait until the
/// router's answer has been written, so answers stay in request order. The answer is the router's:
/// same status, headers (`Date` included) and bytes, and the same request log line.
///
/// While it answers, it also asks for the next read itself, from the head, once the socket can
/// take more: walking the whole pipeline for every read (NIO's auto-read) is a good part of the
/// cost of an answer, and none of the handlers behind has a say while nothing reaches them. When
/// the socket cannot take more, reads wait until it can (a client that sends and does not read
/// is not answered into memory).
final class PostsFastPathHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = ByteBuffer

    private enum State {
        /// Request heads are recognised and answered here.
        case answering
        /// A recognised request went to the router on a cache miss; bytes behind it wait here
        /// until its answer has been written.
        case awaitingRouter
        /// Everything goes to the decoder, for good.
        case passingThrough
    }

    /// Bytes held while the router answers a miss; beyond this the connection passes through.
    static let maxHeldBytes = 64 * 1024

    private let cache: PostsViewCache
    private let logger: Logger
    /// Read once: a logger's level is fixed, and asking its handler on every request costs.
    private let logsRequests: Bool
    private var state = State.answering
    /// Bytes received and not yet answered or passed on; they start at a request boundary.
    private var held: ByteBuffer?
    private var answer = PostsAnswer()
    private var context: ChannelHandlerContext?
    private var needsFlush = false
    /// Bytes were passed to the decoder outside a read, so it needs a read-complete of its own.
    private var passedOnOutsideRead = false
    private var passedOnInRead = false
    private var isReading = false
    private var answeredAny = false
    /// A read asked for by the pipeline, waiting for the socket to be writable.
    private var readWaitingForWritability = false
    private var requestLogMetadata: Logger.Metadata = [
        "hb.request.path": .string(PostsRequestHead.path), "hb.request.method": .string("GET"),
    ]

    init(cache: PostsViewCache, logger: Logger) {
        self.cache = cache
        self.logger = logger
        self.logsRequests = logger.logLevel <= .info
    }

    /// Puts the handler at the head of an HTTP/1 server pipeline, and its watch on the router's
    /// answers right after NIO's request decoder.
    static func insert(
        into pipeline: ChannelPipeline.SynchronousOperations, cache: PostsViewCache, logger: Logger
    ) throws {
        let handler = PostsFastPathHandler(cache: cache, logger: logger)
        let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
        try pipeline.addHandler(PostsFastPathRouterWatch(fastPath: handler), position: .after(decoder))
        try pipeline.addHandler(handler, position: .first)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .passingThrough = state {
            context.fireChannelRead(data)
            return
        }
        isReading = true
        var bytes = unwrapInboundIn(data)
        if var earlier = held {
            held = nil  // so that appending does not copy the storage
            earlier.writeBuffer(&bytes)
            bytes = earlier
        }
        if case .awaitingRouter = state {
            held = bytes
            if bytes.readableBytes > Self.maxHeldBytes { passThroughForGood(context: context) }
            return
        }
        answerRequests(in: &bytes, context: context)
    }

    /// The read-complete goes on only after bytes did: the handlers behind have nothing to do
    /// with it otherwise, and walking them costs on every answer.
    func channelReadComplete(context: ChannelHandlerContext) {
        isReading = false
        passedOnOutsideRead = false
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        if passedOnInRead || state == .passingThrough {
            passedOnInRead = false
            context.fireChannelReadComplete()
        } else if case .answering = state, context.channel.isWritable {
            context.read()
        }
    }

    func read(context: ChannelHandlerContext) {
        if case .answering = state, !context.channel.isWritable {
            readWaitingForWritability = true
            return
        }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        releaseWaitingRead(context: context)
        context.fireChannelWritabilityChanged()
    }

    private func releaseWaitingRead(context: ChannelHandlerContext) {
        guard readWaitingForWritability else { return }
        if case .answering = state, !context.channel.isWritable { return }
        readWaitingForWritability = false
        context.read()
    }

    func channelInactive(context: ChannelHandlerContext) {
        passThroughForGood(context: context)
        finishOutsideRead(context: context)
        context.fireChannelInactive()
    }

    /// Quiescing and the client's half-close end the fast path. Hummingbird closes an idle
    /// connection at once on either, and closing drops answers still in the socket's send queue:
    /// so once this handler has answered anything, every event moves on (in order) only after
    /// everything written before it has reached the socket.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent || (event as? ChannelEvent) == .inputClosed {
            passThroughForGood(context: context)
            finishOutsideRead(context: context)
        }
        guard answeredAny else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(ByteBuffer()), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// The router has written its answer to the request passed on after a miss.
    fileprivate func routerAnswered() {
        guard case .awaitingRouter = state, let context else { return }
        state = .answering
        // Not from inside the router's write: the held bytes are answered in a task of their own.
        context.eventLoop.assumeIsolated().execute {
            guard let context = self.context, var bytes = self.held else { return }
            self.held = nil
            self.answerRequests(in: &bytes, context: context)
            self.finishOutsideRead(context: context)
        }
    }

    /// Answers the complete requests at the start of `bytes`, as long as it may; what is left
    /// is held.
    private func answerRequests(in bytes: inout ByteBuffer, context: ChannelHandlerContext) {
        while case .answering = state, bytes.readableBytes > 0 {
            switch bytes.withUnsafeReadableBytes(PostsRequestHead.match) {
            case .incomplete:
                break
            case .other:
                held = bytes
                passThroughForGood(context: context)
                return
            case .complete(let length):
                if let response = answer.bytes(from: cache) {
                    bytes.moveReaderIndex(forwardBy: length)
                    write(response, context: context)
                    continue
                }
                guard let request = bytes.readSlice(length: length) else { break }  // not reached: `match` saw them
                state = .awaitingRouter
                releaseWaitingRead(context: context)
                passOn(request, context: context)
                continue
            }
            break
        }
        if bytes.readableBytes > 0 { held = bytes }
    }

    private func write(_ response: ByteBuffer, context: ChannelHandlerContext) {
        if logsRequests {
            // What Hummingbird's request logging writes for the same request. The dictionary is
            // reused: only the id changes, in place.
            requestLogMetadata["hb.request.id"] = .stringConvertible(RequestID())
            logger.info("Request", metadata: requestLogMetadata, source: "Hummingbird")
        }
        context.write(wrapOutboundOut(response), promise: nil)
        needsFlush = true
        answeredAny = true
    }

    private func passThroughForGood(context: ChannelHandlerContext) {
        state = .passingThrough
        releaseWaitingRead(context: context)
        if let bytes = held {
            held = nil
            if bytes.readableBytes > 0 { passOn(bytes, context: context) }
        }
    }

    private func passOn(_ bytes: ByteBuffer, context: ChannelHandlerContext) {
        if isReading {
            passedOnInRead = true
        } else {
            passedOnOutsideRead = true
        }
        context.fireChannelRead(wrapInboundOut(bytes))
    }

    private func finishOutsideRead(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        if passedOnOutsideRead {
            passedOnOutsideRead = false
            context.fireChannelReadComplete()
        }
    }
}

/// Sits right after NIO's request decoder and tells the fast path when the router has written the
/// end of an answer.
final class PostsFastPathRouterWatch: ChannelOutboundHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let fastPath: PostsFastPathHandler

    init(fastPath: PostsFastPathHandler) {
        self.fastPath = fastPath
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let isEnd = if case .end = unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        if isEnd { fastPath.routerAnswered() }
    }
}

/// Recognises the request heads the fast path answers, in raw bytes.
enum PostsRequestHead {
    static let path = "/posts"
    static let requestLine = Array("GET /posts HTTP/1.1\r\n".utf8)
    /// Longer heads, or heads with more fields, are left to the decoder and its limits.
    static let maxLength = 8 * 1024
    static let maxFields = 64

    enum Match: Equatable {
        /// A plain `GET /posts` head of `length` bytes, with no body.
        case complete(length: Int)
        /// What has arrived could still become one.
        case incomplete
        /// Anything else.
        case other
    }

    static func match(_ bytes: UnsafeRawBufferPointer) -> Match {
        // Only the first `maxLength` bytes are looked at: a head not complete within them is not one.
        let match = matchWithinLimit(UnsafeRawBufferPointer(rebasing: bytes[..<min(bytes.count, maxLength)]))
        return match == .incomplete && bytes.count > maxLength ? .other : match
    }

    private static func matchWithinLimit(_ bytes: UnsafeRawBufferPointer) -> Match {
        let count = bytes.count
        for index in 0..<min(count, requestLine.count) where bytes[index] != requestLine[index] {
            return .other
        }
        var position = requestLine.count
        var fields = 0
        var sawContentLength = false
        var sawHost = false
        while true {
            // A field line, `name ":" OWS value OWS CRLF`, or the empty line that ends the head.
            guard position < count else { return .incomplete }
            if bytes[position] == .cr {
                guard position + 1 < count else { return .incomplete }
                return bytes[position + 1] == .lf ? .complete(length: position + 2) : .other
            }
            let nameStart = position
            while position < count, isTokenByte(bytes[position]) { position += 1 }
            guard position < count else { return .incomplete }
            guard bytes[position] == .colon, position > nameStart else { return .other }
            let name = nameStart..<position
            position += 1
            let valueStart = position
            while position < count, isFieldValueByte(bytes[position]) { position += 1 }
            guard position < count else { return .incomplete }
            guard bytes[position] == .cr else { return .other }
            guard position + 1 < count else { return .incomplete }
            guard bytes[position + 1] == .lf else { return .other }
            let value = trimmed(valueStart..<position, in: bytes)
            position += 2
            fields += 1
            guard fields <= maxFields else { return .other }
            if equalsLowercased(bytes, name, "content-length") {
                guard !sawContentLength, equalsLowercased(bytes, value, "0") else { return .other }
                sawContentLength = true
            } else if equalsLowercased(bytes, name, "connection") {
                guard equalsLowercased(bytes, value, "keep-alive") else { return .other }
            } else if equalsLowercased(bytes, name, "host") {
                guard !sawHost else { return .other }
                sawHost = true
            } else if equalsLowercased(bytes, name, "transfer-encoding") || equalsLowercased(bytes, name, "expect")
                || equalsLowercased(bytes, name, "upgrade")
            {
                return .other
            }
        }
    }

    /// RFC 9110 tchar.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"),
            UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
            UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Visible ASCII, space and tab; anything else (obs-text included) is left to the decoder.
    private static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == 0x09 || (0x20...0x7E).contains(byte)
    }

    private static func trimmed(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
        return lower..<upper
    }

    /// Whether the bytes in `range` are `lowercase` in any case (`lowercase` being lowercase ASCII).
    private static func equalsLowercased(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ lowercase: StaticString
    ) -> Bool {
        guard range.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        for offset in 0..<range.count {
            var byte = bytes[range.lowerBound + offset]
            if (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) { byte |= 0x20 }
            if byte != expected[offset] { return false }
        }
        return true
    }
}

extension UInt8 {
    fileprivate static let cr = UInt8(ascii: "\r")
    fileprivate static let lf = UInt8(ascii: "\n")
    fileprivate static let colon = UInt8(ascii: ":")
}

/// This connection's answer to `GET /posts`: status line, the router's headers with the
/// per-second `Date`, and the cached body, in one buffer, rebuilt when the view's version or the
/// second changes. Each connection keeps its own copy: both event loops sharing one buffer would
/// bounce its reference count between the cores on every answer.
struct PostsAnswer {
    private var version: UInt64?
    private var second = 0
    private var bytes = ByteBuffer()

    /// The answer for the cached body, nil when the cache has none.
    mutating func bytes(from cache: PostsViewCache, now: Int = Int(time(nil))) -> ByteBuffer? {
        guard let cachedVersion = cache.cachedVersion else { return nil }
        if cachedVersion == version, now == second { return bytes }
        let (current, body) = cache.cached
        guard let body else { return nil }
        bytes = Self.encode(body: body, secondsSince1970: now)
        version = current
        second = now
        return bytes
    }

    static func encode(body: ByteBuffer, secondsSince1970: Int) -> ByteBuffer {
        let head =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: \(body.readableBytes)\r\nDate: \(httpDate(secondsSince1970: secondsSince1970))\r\n\r\n"
        var bytes = ByteBuffer()
        bytes.reserveCapacity(head.utf8.count + body.readableBytes)
        bytes.writeString(head)
        bytes.writeImmutableBuffer(body)
        return bytes
    }

    /// The `Date` header's value as Hummingbird writes it (RFC 9110 IMF-fixdate).
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
