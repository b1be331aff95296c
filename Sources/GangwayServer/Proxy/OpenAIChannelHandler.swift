import DequeModule
import NIOCore
import NIOHTTP1

/// Serves the OpenAI-compatible paths of connections that ``FastRequestHandler`` handed to NIO's
/// HTTP/1 decoder, on the connection's own event loop, ahead of the router and below its
/// HTTPTypes layer (see ``GangwayHTTP1Channel``): each request becomes a ``ProxyExchange`` whose
/// instance connection lives on the same loop, so a relayed chunk costs a function call and no
/// task, lock or thread hop. Every other request passes through to the router untouched.
///
/// Requests on one connection are answered in order: parts of a request that arrives before
/// the previous response has ended (HTTP pipelining) wait in a queue.
final class OpenAIChannelHandler: ChannelDuplexHandler, RemovableChannelHandler, ExchangeHost {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        /// The router serves this request; it is done once both its request and its response ended.
        case passingThrough(requestEnded: Bool, responseEnded: Bool)
        case proxying(ProxyExchange)
    }

    /// More queued parts than this from one client means it is not waiting for answers.
    static let queueLimit = 4096

    private let forwarder: OpenAIForwarder
    /// The context next to the socket (that of NIO's response encoder): proxied responses are
    /// written through it as bytes, skipping the encoder the router's responses go through.
    private var output: ChannelHandlerContext?
    private var state = State.idle
    private var queued = Deque<HTTPServerRequestPart>()
    private var draining = false
    private var closeWhenIdle = false
    /// Whether a part went up to the router since its channel last heard that a read completed;
    /// a connection busy with proxied requests spares the rest of the pipeline that event.
    private var routerAwaitsReadComplete = false
    private var context: ChannelHandlerContext?
    private var clientAddress = ClientAddress()
    private let timer = ConnectionTimer()
    var admissionMemo: AdmissionMemo?
    private(set) var spares: LoopSpares?

    init(forwarder: OpenAIForwarder, output: ChannelHandlerContext) {
        self.forwarder = forwarder
        self.output = output
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        allocator = context.channel.allocator
        spares = forwarder.connections.spares.on(context.eventLoop)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        output = nil
        timer.stop()
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if queued.isEmpty, accepts(part) {
            process(part, context: context)
        } else {
            queued.append(part)
            if queued.count > Self.queueLimit { context.close(promise: nil) }
        }
    }

    /// Whether a part belongs to the request in progress (or starts one on an idle connection).
    private func accepts(_ part: HTTPServerRequestPart) -> Bool {
        switch state {
        case .idle: true
        case .passingThrough(let requestEnded, _): !requestEnded
        case .proxying(let exchange): !exchange.requestEnded
        }
    }

    private func process(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch state {
        case .idle:
            if case .head(let head) = part, let route = forwarder.route(head) {
                let exchange = ProxyExchange(
                    head: .decoded(head), route: route, forwarder: forwarder, handler: self,
                    eventLoop: context.eventLoop, client: clientAddress.text(of: context))
                state = .proxying(exchange)
                exchange.start()
            } else {
                state = .passingThrough(requestEnded: part.isEnd, responseEnded: false)
                routerAwaitsReadComplete = true
                context.fireChannelRead(wrapInboundOut(part))
            }
        case .passingThrough(_, let responseEnded):
            let ended = part.isEnd
            state = .passingThrough(requestEnded: ended, responseEnded: responseEnded)
            routerAwaitsReadComplete = true
            context.fireChannelRead(wrapInboundOut(part))
            if ended, responseEnded { becomeIdle() }
        case .proxying(let exchange):
            exchange.receive(part)
            if part.isEnd, exchange.isFinished, case .proxying(let current) = state, current === exchange {
                becomeIdle()
            }
        }
    }

    private func becomeIdle() {
        state = .idle
        guard let context else { return }
        if closeWhenIdle {
            context.close(promise: nil)
            return
        }
        guard !draining, !queued.isEmpty else { return }
        draining = true
        defer { draining = false }
        while let part = queued.first, accepts(part) {
            queued.removeFirst()
            process(part, context: context)
        }
        // The router's channel delivers what it was handed when a read completes.
        if routerAwaitsReadComplete {
            routerAwaitsReadComplete = false
            context.fireChannelReadComplete()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard routerAwaitsReadComplete else { return }
        routerAwaitsReadComplete = false
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .proxying(let exchange) = state {
            exchange.clientClosed()
        }
        queued.removeAll()
        timer.stop()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .proxying(let exchange) = state {
            exchange.clientWritabilityChanged(context.channel.isWritable)
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Graceful shutdown: the router closes idle connections at once and busy ones after
        // their response; a connection busy with an exchange closes when that exchange ends.
        if event is ChannelShouldQuiesceEvent, case .proxying = state {
            closeWhenIdle = true
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: Outbound (the router's responses)

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
        if case .passingThrough(let requestEnded, false) = state, case .end = unwrapOutboundIn(data) {
            state = .passingThrough(requestEnded: requestEnded, responseEnded: true)
            if requestEnded { becomeIdle() }
        }
    }

    // MARK: For the exchange

    func wake(at due: ContinuousClock.Instant) {
        guard let context, !timer.covers(due) else { return }
        timer.wake(at: due, on: context.eventLoop) { [self] in
            if case .proxying(let exchange) = state { exchange.checkTimeouts() }
        }
    }

    /// Below NIO's response encoder: the exchange writes the response as bytes.
    var responseOutput: ChannelHandlerContext? { output }

    func flush() {
        output?.flush()
    }

    /// The channel's, read once: the channel guards it with a lock.
    private(set) var allocator = ByteBufferAllocator()

    /// The exchange's response has ended (or the client is gone). The connection either
    /// closes or, once the request has been read whole, serves the next request.
    func exchangeEnded(_ exchange: ProxyExchange, closeConnection: Bool) {
        guard case .proxying(let current) = state, current === exchange else { return }
        if closeConnection {
            closeWhenIdle = true
            state = .idle
            context?.close(promise: nil)
            return
        }
        if exchange.requestEnded { becomeIdle() }
    }
}

extension HTTPServerRequestPart {
    fileprivate var isEnd: Bool {
        if case .end = self { return true }
        return false
    }
}
