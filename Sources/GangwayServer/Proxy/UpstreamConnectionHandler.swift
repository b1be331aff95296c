import NIOCore

/// What an instance connection tells the exchange it currently serves.
protocol UpstreamResponseReceiver: AnyObject {
    func upstreamHead(_ head: UpstreamResponseHead)
    func upstreamBody(_ chunk: ByteBuffer)
    /// The response ended; `reusable` says whether the connection may carry another request
    /// (the instance keeps it open and sent nothing after the response).
    func upstreamEnd(reusable: Bool)
    func upstreamReadComplete()
    /// The connection closed or failed, or the response broke HTTP/1.1, before it ended.
    func upstreamBroken(_ error: (any Error)?)
}

/// The only handler of an instance connection on NIO's loops (after TLS for `https`): writes a
/// request as the bytes the exchange prepared and reads the response with
/// ``InstanceResponseReader``, handing the exchange its head, body slices and end. An idle
/// connection that receives anything (it should not) is closed.
final class UpstreamConnectionHandler: ChannelInboundHandler, RemovableChannelHandler, TickFlushed, InstanceConnection {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    var receiver: (any UpstreamResponseReceiver)?
    private var context: ChannelHandlerContext?
    private let reader: InstanceResponseReader
    private let flusher: TickFlusher
    var flushHeld = false

    init(flusher: TickFlusher, spares: LoopSpares) {
        self.flusher = flusher
        reader = InstanceResponseReader(spares: spares)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// The connection this handler ends, while the handler is in its pipeline; only used on
    /// its own event loop.
    var channel: (any Channel)? { context?.channel }

    /// Sends a request: its head (and a small body) in `request`, a large body apart.
    func send(_ request: ByteBuffer, body: ByteBuffer?) {
        guard let context else {
            receiver?.upstreamBroken(ChannelError.ioOnClosedChannel)
            return
        }
        reader.expectResponse()
        context.write(wrapOutboundOut(request), promise: nil)
        if let body { context.write(wrapOutboundOut(body), promise: nil) }
        flusher.flush(self)
    }

    func flushNow() {
        context?.flush()
    }

    func setAutoRead(_ enabled: Bool) {
        try? context?.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: enabled)
    }

    /// Closes the connection without telling the exchange (it is the one asking).
    func close() {
        receiver = nil
        setAutoRead(true)
        context?.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .close = reader.read(unwrapInboundIn(data), on: self) {
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        receiver?.upstreamReadComplete()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        reader.inputEnded(on: self)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let receiver {
            self.receiver = nil
            receiver.upstreamBroken(error)
        }
        context.close(promise: nil)
    }
}
