import NIOCore
import NIOHTTP1

/// The first handler of a client connection on NIO's loops: reads requests on the OpenAI paths
/// straight from the bytes (``ClientRequestReader``) and runs each as a ``ProxyExchange``, so a
/// proxied request passes through none of NIO's HTTP/1 decoding or the pipeline's other
/// handlers (a few microseconds per request).
///
/// At the first head the reader does not take, the connection is handed for good to the
/// pipeline behind it (NIO's HTTP/1 codec, ``OpenAIChannelHandler`` and the router) from that
/// head's first byte on.
final class FastRequestHandler: ChannelInboundHandler, RemovableChannelHandler, ClientRequestHost, TickFlushed {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let reader: ClientRequestReader
    private var context: ChannelHandlerContext?
    /// Handed to NIO's decoder: every byte from here on goes up the pipeline.
    private var passingThrough = false
    private var clientAddress = ClientAddress()
    private let timer = ConnectionTimer()
    private var flusher: TickFlusher?
    var spares: LoopSpares? { reader.spares }
    var flushHeld = false
    var admissionMemo: AdmissionMemo?

    init(forwarder: OpenAIForwarder) {
        reader = ClientRequestReader(forwarder: forwarder)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let connections = reader.forwarder.connections
        flusher = connections.tickFlushers.on(context.eventLoop)
        reader.spares = connections.spares.on(context.eventLoop)
        instanceLinks = NIOInstanceLinks(pool: connections, loop: context.eventLoop)
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
        reader.received(unwrapInboundIn(data), host: self)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // On the fast path each exchange flushes what it writes; nothing above needs the event.
        if passingThrough {
            context.fireChannelReadComplete()
        } else {
            context.read()
        }
    }

    /// From here on NIO's decoder reads the connection, starting with the bytes held.
    func handOver() {
        guard let context else { return }
        passingThrough = true
        // Reads are NIO's again, passing through the handlers behind (the router's async
        // channel holds them back when its reader is behind).
        try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
        if let held = reader.takeUnread(), held.readableBytes > 0 {
            context.fireChannelRead(wrapInboundOut(held))
            context.fireChannelReadComplete()
        }
    }

    func closeConnection() {
        guard let context else { return }
        // Closing drops writes not yet flushed.
        context.flush()
        context.close(promise: nil)
    }

    func makeExchange(_ head: consuming ClientRequestHead, route: ResolvedTarget) -> ProxyExchange {
        ProxyExchange(
            head: .raw(head), route: route, forwarder: reader.forwarder, handler: self, eventLoop: context!.eventLoop,
            client: clientAddress.text(of: context!))
    }

    func channelInactive(context: ChannelHandlerContext) {
        reader.clientClosed()
        timer.stop()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        reader.exchange?.clientWritabilityChanged(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Graceful shutdown: a connection busy with an exchange closes when that exchange ends;
        // an idle one is closed by the router's connection handler, which sees it idle.
        if event is ChannelShouldQuiesceEvent, !passingThrough, reader.exchange != nil {
            reader.closeWhenIdle = true
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: For the exchange

    /// The channel's, read once: the channel guards it with a lock.
    private(set) var allocator = ByteBufferAllocator()

    private(set) var instanceLinks: any InstanceLinks = NoInstanceLinks()

    /// Written from this handler's own place, next to the socket.
    func write(_ bytes: ByteBuffer) {
        context?.write(NIOAny(bytes), promise: nil)
    }

    func flush() {
        flusher?.flush(self)
    }

    func flushNow() {
        context?.flush()
    }

    func wake(at due: ContinuousClock.Instant) {
        guard let context, !timer.covers(due) else { return }
        timer.wake(at: due, on: context.eventLoop) { [self] in
            self.reader.exchange?.checkTimeouts()
        }
    }

    func exchangeEnded(_ ended: ProxyExchange, closeConnection: Bool) {
        reader.exchangeEnded(ended, closeConnection: closeConnection, host: self)
    }
}
