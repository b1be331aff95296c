import NIOCore
import NIOHTTP1
import NIOPosix

/// What a run learns from one connection. Every call happens on the connection's event loop.
protocol ExchangeObserver: AnyObject {
    func exchange(_ connection: ExchangeHandler, didReceiveStatus status: UInt, at now: UInt64)
    /// `events` server-sent events ended in the bytes of one read (a blank line ends an event).
    func exchange(_ connection: ExchangeHandler, didReceiveEvents events: Int, at now: UInt64)
    func exchangeDidEnd(_ connection: ExchangeHandler, at now: UInt64)
    func exchangeDidFail(_ connection: ExchangeHandler)
}

/// A keep-alive HTTP/1.1 client connection that runs one exchange at a time and reports each
/// step with a monotonic timestamp. Bodies are not kept: only event boundaries are counted,
/// so thousands of streams cost little memory in the load generator.
final class ExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let target: Target
    /// Which worker or slot of the run owns this connection.
    let slot: Int
    /// Strong on purpose: a run is kept alive by its open connections until it finishes; the
    /// process exits right after.
    private let observer: any ExchangeObserver
    private var context: ChannelHandlerContext?
    private var newlineSeen = false
    private var failed = false
    private(set) var startedAt: UInt64 = 0
    private(set) var inFlight = false
    /// The server said `Connection: close`: the exchange ends the connection.
    private(set) var serverCloses = false

    init(target: Target, slot: Int, observer: any ExchangeObserver) {
        self.target = target
        self.slot = slot
        self.observer = observer
    }

    static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    /// Opens a connection on `loop`; `ready` gets the handler, or nil when the connect failed.
    static func connect(
        target: Target, slot: Int, observer: any ExchangeObserver, on loop: any EventLoop,
        ready: @escaping (ExchangeHandler?) -> Void
    ) {
        let handler = ExchangeHandler(target: target, slot: slot, observer: observer)
        ClientBootstrap(group: loop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connect(host: target.host, port: target.port)
            .assumeIsolated()
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    do {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(handler)
                        ready(handler)
                    } catch {
                        channel.close(promise: nil)
                        ready(nil)
                    }
                case .failure:
                    ready(nil)
                }
            }
    }

    /// Sends the target's request; `startedAt` is the time it was handed to the socket.
    func send(at start: UInt64 = ExchangeHandler.now()) {
        guard let context, !self.failed else { return }
        self.startedAt = start
        self.inFlight = true
        self.newlineSeen = false
        context.write(self.wrapOutboundOut(.head(self.target.head)), promise: nil)
        if self.target.body.readableBytes > 0 {
            context.write(self.wrapOutboundOut(.body(.byteBuffer(self.target.body))), promise: nil)
        }
        context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
    }

    func close() {
        self.context?.close(promise: nil)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = Self.now()
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.serverCloses = head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "close" }
            self.observer.exchange(self, didReceiveStatus: head.status.code, at: now)
        case .body(let buffer):
            let events = self.countEventEnds(buffer)
            if events > 0 { self.observer.exchange(self, didReceiveEvents: events, at: now) }
        case .end:
            self.inFlight = false
            self.observer.exchangeDidEnd(self, at: now)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.fail()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.fail()
        context.close(promise: nil)
    }

    private func fail() {
        guard !self.failed else { return }
        self.failed = true
        // The observer reads `inFlight` to tell a broken exchange from an idle close.
        self.observer.exchangeDidFail(self)
        self.inFlight = false
    }

    /// Counts blank lines (`\n\n` or `\r\n\r\n`), carrying a trailing newline across reads.
    private func countEventEnds(_ buffer: ByteBuffer) -> Int {
        var events = 0
        var newline = self.newlineSeen
        buffer.withUnsafeReadableBytes { bytes in
            for byte in bytes {
                if byte == UInt8(ascii: "\n") {
                    if newline {
                        events += 1
                        newline = false
                    } else {
                        newline = true
                    }
                } else if byte != UInt8(ascii: "\r") {
                    newline = false
                }
            }
        }
        self.newlineSeen = newline
        return events
    }
}
