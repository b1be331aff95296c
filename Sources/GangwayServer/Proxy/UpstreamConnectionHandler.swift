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

/// The only handler of an instance connection (after TLS for `https`): writes a request as
/// the bytes the exchange prepared and parses the response with ``HTTP1ResponseParser``,
/// handing the exchange its head, body slices and end. An idle connection that receives
/// anything (it should not) is closed.
final class UpstreamConnectionHandler: ChannelInboundHandler, RemovableChannelHandler, TickFlushed {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    var receiver: (any UpstreamResponseReceiver)?
    private var context: ChannelHandlerContext?
    private var parser = HTTP1ResponseParser()
    /// The start of a head or chunk-size line whose end has not arrived (bounded by the parser).
    private var unread: ByteBuffer?
    /// Whether the current response's head lets the connection carry another request.
    private var keepAlive = false
    private let flusher: TickFlusher
    var flushHeld = false

    init(flusher: TickFlusher, spares: LoopSpares) {
        self.flusher = flusher
        parser.spares = spares
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
        parser.expectResponse()
        unread = nil
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
        guard let receiver else {
            context.close(promise: nil)
            return
        }
        var buffer = unwrapInboundIn(data)
        if var earlier = unread {
            unread = nil
            earlier.writeBuffer(&buffer)
            buffer = earlier
        }
        do {
            while let event = try parser.next(&buffer) {
                switch event {
                case .head(let head):
                    keepAlive = head.keepAlive
                    receiver.upstreamHead(head)
                case .body(let piece):
                    receiver.upstreamBody(piece)
                case .end:
                    self.receiver = nil
                    // Bytes after the response answer no request: the connection is not reused.
                    receiver.upstreamEnd(reusable: keepAlive && buffer.readableBytes == 0)
                    return
                }
                // The exchange may have closed the connection meanwhile.
                guard self.receiver === receiver else { return }
            }
            if buffer.readableBytes > 0 { unread = buffer }
        } catch {
            self.receiver = nil
            receiver.upstreamBroken(error)
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        receiver?.upstreamReadComplete()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let receiver {
            self.receiver = nil
            do {
                // A body that runs until the connection closes has ended.
                if case .end = try parser.inputEnded() {
                    receiver.upstreamEnd(reusable: false)
                } else {
                    receiver.upstreamBroken(nil)
                }
            } catch {
                receiver.upstreamBroken(error)
            }
        }
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
