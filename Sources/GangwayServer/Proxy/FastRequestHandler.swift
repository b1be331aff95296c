import NIOCore
import NIOHTTP1

/// The first handler of a client connection: reads requests on the OpenAI paths straight from
/// the bytes and runs each as a ``ProxyExchange``, so a proxied request passes through none of
/// NIO's HTTP/1 decoding or the pipeline's other handlers (a few microseconds per request).
///
/// It takes only plain requests (see ``ClientRequestHead/init(parsing:)``). At the first head it
/// does not take (another path, a chunked body, `Expect`, anything malformed), the connection
/// is handed for good to the pipeline behind it (NIO's HTTP/1 codec, ``OpenAIChannelHandler``
/// and the router) from that head's first byte on. A head is read only once the exchange before
/// it has answered, so every byte is framed by exactly one parser and answers keep the order
/// of requests.
final class FastRequestHandler: ChannelInboundHandler, RemovableChannelHandler, ExchangeHost, TickFlushed {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Bytes held for later (pipelined requests, or a hand-over waiting for an answer) beyond
    /// this mean a client that is not waiting for answers; it is disconnected.
    static let heldLimit = 1 << 20
    /// A head not complete within this many bytes is left to NIO's decoder (which has limits).
    static let headLimit = 80 * 1024

    private let forwarder: OpenAIForwarder
    private var context: ChannelHandlerContext?
    /// Handed to NIO's decoder: every byte from here on goes up the pipeline.
    private var passingThrough = false
    /// Received and not yet read: the rest of a head, a body, pipelined requests.
    private var unread: ByteBuffer?
    private var exchange: ProxyExchange?
    /// Body bytes of the current request still to come.
    private var bodyRemaining = 0
    private var processing = false
    private var closing = false
    private var closeWhenIdle = false
    private var clientAddress = ClientAddress()
    private let timer = ConnectionTimer()
    private var flusher: TickFlusher?
    private(set) var spares: LoopSpares?
    var flushHeld = false
    var admissionMemo: AdmissionMemo?
    private var routeMemo: OpenAIForwarder.RouteMemo?

    init(forwarder: OpenAIForwarder) {
        self.forwarder = forwarder
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        flusher = forwarder.connections.tickFlushers.on(context.eventLoop)
        spares = forwarder.connections.spares.on(context.eventLoop)
        allocator = context.channel.allocator
        // This handler asks for each read itself, from its own place next to the socket: NIO's
        // automatic read would pass every read request through all the handlers behind it.
        // Given back with the connection at the hand-over.
        try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
        if context.channel.isActive { context.read() }
    }

    func channelActive(context: ChannelHandlerContext) {
        context.read()
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        timer.stop()
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !passingThrough else {
            context.fireChannelRead(data)
            return
        }
        var bytes = unwrapInboundIn(data)
        if unread == nil || unread!.readableBytes == 0 {
            unread = bytes
        } else {
            unread!.writeBuffer(&bytes)
        }
        readRequests(context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // On the fast path each exchange flushes what it writes; nothing above needs the event.
        if passingThrough {
            context.fireChannelReadComplete()
        } else {
            context.read()
        }
    }

    /// Reads heads and bodies from `unread` for as long as there is an exchange to feed or a
    /// head to start one.
    private func readRequests(_ context: ChannelHandlerContext) {
        guard !processing else { return }
        processing = true
        defer { processing = false }
        while !closing, !passingThrough, var bytes = unread, bytes.readableBytes > 0 {
            if let exchange {
                guard bodyRemaining > 0 else {
                    // The request was read whole; anything more waits for its answer.
                    if bytes.readableBytes > Self.heldLimit { context.close(promise: nil) }
                    return
                }
                let length = min(bodyRemaining, bytes.readableBytes)
                let piece = bytes.readSlice(length: length)!
                unread = bytes
                bodyRemaining -= length
                exchange.receive(.body(piece))
                if bodyRemaining == 0 { endRequest(exchange) }
                continue
            }
            guard let headLength = HTTP1Syntax.headLength(bytes) else {
                if bytes.readableBytes > Self.headLimit { handOver(context) }
                return
            }
            let headBytes = bytes.getSlice(at: bytes.readerIndex, length: headLength)!
            guard let head = ClientRequestHead(parsing: headBytes, fields: spares?.fields(for: .clientRequest) ?? [])
            else {
                handOver(context)
                return
            }
            spares?.giveBack(head.fields, from: .clientRequest)
            guard let route = forwarder.route(head, memo: &routeMemo) else {
                handOver(context)
                return
            }
            bytes.moveReaderIndex(forwardBy: headLength)
            unread = bytes
            let contentLength = head.contentLength
            // Consumed: a copy would retain (and later release) each of the head's references.
            let exchange = ProxyExchange(
                head: .raw(consume head), route: route, forwarder: forwarder, handler: self,
                eventLoop: context.eventLoop, client: clientAddress.text(of: context))
            self.exchange = exchange
            bodyRemaining = contentLength
            exchange.start()
            if contentLength == 0, self.exchange === exchange { endRequest(exchange) }
        }
    }

    /// The request has been read whole: the exchange admits it (and may answer at once).
    private func endRequest(_ exchange: ProxyExchange) {
        exchange.receive(.end(nil))
        // Answered already (an error, or the client is gone): the connection moves on.
        if exchange.isFinished, self.exchange === exchange { self.exchange = nil }
    }

    /// From here on NIO's decoder reads the connection, starting with the bytes held (no
    /// exchange is in progress: a head is read only after the previous answer).
    private func handOver(_ context: ChannelHandlerContext) {
        passingThrough = true
        // Reads are NIO's again, passing through the handlers behind (the router's async
        // channel holds them back when its reader is behind).
        try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
        let held = unread
        unread = nil
        if let held, held.readableBytes > 0 {
            context.fireChannelRead(wrapInboundOut(held))
            context.fireChannelReadComplete()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        exchange?.clientClosed()
        exchange = nil
        unread = nil
        timer.stop()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        exchange?.clientWritabilityChanged(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Graceful shutdown: a connection busy with an exchange closes when that exchange ends;
        // an idle one is closed by the router's connection handler, which sees it idle.
        if event is ChannelShouldQuiesceEvent, !passingThrough, exchange != nil {
            closeWhenIdle = true
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: For the exchange

    /// The channel's, read once: the channel guards it with a lock.
    private(set) var allocator = ByteBufferAllocator()

    /// This handler's own place, next to the socket.
    var responseOutput: ChannelHandlerContext? { context }

    func flush() {
        flusher?.flush(self)
    }

    func flushNow() {
        context?.flush()
    }

    func wake(at due: ContinuousClock.Instant) {
        guard let context, !timer.covers(due) else { return }
        timer.wake(at: due, on: context.eventLoop) { [self] in
            self.exchange?.checkTimeouts()
        }
    }

    func exchangeEnded(_ ended: ProxyExchange, closeConnection: Bool) {
        guard ended === exchange, let context else { return }
        if closeConnection || closeWhenIdle {
            closing = true
            exchange = nil
            // Closing drops writes not yet flushed.
            context.flush()
            context.close(promise: nil)
            return
        }
        // Still receiving its body: the rest is read and dropped before the next request.
        guard ended.requestEnded else { return }
        exchange = nil
        readRequests(context)
    }
}
