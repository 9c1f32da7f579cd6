import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A ClusterIP Service emulated on loopback: a TCP listener that spreads
/// connections round-robin over the ready endpoints of its pods.
public final class ServiceProxy: Sendable {
    public let name: String
    public let listenPort: Int
    private let state: NIOLockedValueBox<(endpoints: [Endpoint], ready: Set<Endpoint>, next: Int)>
    private let group: EventLoopGroup
    private let channel: NIOLockedValueBox<Channel?>

    public init(name: String, listenPort: Int, endpoints: [Endpoint], group: EventLoopGroup) {
        self.name = name
        self.listenPort = listenPort
        self.group = group
        state = NIOLockedValueBox((endpoints, [], 0))
        channel = NIOLockedValueBox(nil)
    }

    public func setReady(_ endpoint: Endpoint, _ ready: Bool) {
        state.withLockedValue { state in
            if ready { state.ready.insert(endpoint) } else { state.ready.remove(endpoint) }
        }
    }

    /// The next ready endpoint, or nil when none is ready.
    func pick() -> Endpoint? {
        state.withLockedValue { state in
            let ready = state.endpoints.filter { state.ready.contains($0) }
            guard !ready.isEmpty else { return nil }
            state.next &+= 1
            return ready[state.next % ready.count]
        }
    }

    public func start() async throws {
        let group = self.group
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] inbound in
                guard let endpoint = self.pick() else { return inbound.close() }
                return ClientBootstrap(group: inbound.eventLoop)
                    .connectTimeout(.seconds(5))
                    .channelInitializer { _ in inbound.eventLoop.makeSucceededVoidFuture() }
                    .connect(host: "127.0.0.1", port: endpoint.port)
                    .flatMap { outbound in
                        let (left, right) = GlueHandler.matchedPair()
                        // The inbound channel registers (and starts reading) only
                        // once this future completes, so no byte arrives unglued.
                        return inbound.pipeline.addHandler(left).flatMap {
                            outbound.pipeline.addHandler(right)
                        }
                    }
                    .flatMapError { _ in inbound.close() }
            }
        let bound = try await bootstrap.bind(host: "127.0.0.1", port: listenPort).get()
        channel.withLockedValue { $0 = bound }
    }

    public func stop() async {
        let bound = channel.withLockedValue { channel -> Channel? in
            defer { channel = nil }
            return channel
        }
        try? await bound?.close()
    }
}

/// Copies bytes between two channels, honouring back-pressure (the glue
/// handler from swift-nio's connect-proxy example).
final class GlueHandler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private var partner: GlueHandler?
    private var context: ChannelHandlerContext?
    private var pendingRead = false

    static func matchedPair() -> (GlueHandler, GlueHandler) {
        let first = GlueHandler()
        let second = GlueHandler()
        first.partner = second
        second.partner = first
        return (first, second)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    private func partnerWrite(_ data: NIOAny) { context?.write(data, promise: nil) }
    private func partnerFlush() { context?.flush() }
    private func partnerWriteEOF() { context?.close(mode: .output, promise: nil) }
    private func partnerCloseFull() { context?.close(promise: nil) }
    private func partnerBecameWritable() {
        if pendingRead {
            pendingRead = false
            context?.read()
        }
    }
    private var partnerWritable: Bool { context?.channel.isWritable ?? false }

    // Both channels of a pair live on the same event loop (the outbound one is
    // connected from the inbound one's loop), so the partner is called directly.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner?.partnerWrite(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.partnerFlush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner?.partnerCloseFull()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, case .inputClosed = event {
            partner?.partnerWriteEOF()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            partner?.partnerBecameWritable()
        }
    }

    func read(context: ChannelHandlerContext) {
        if partner?.partnerWritable ?? false {
            context.read()
        } else {
            pendingRead = true
        }
    }
}
