import NIOCore

/// The client connection an exchange answers on: ``OpenAIChannelHandler`` for requests NIO's
/// decoder read, ``FastRequestHandler`` for requests read straight from the bytes.
protocol ExchangeHost: AnyObject {
    var allocator: ByteBufferAllocator { get }
    /// The loop's reusable buffers (nil before the handler is in its pipeline).
    var spares: LoopSpares? { get }
    /// Where response bytes go in: the connection's first handler, or for connections NIO's
    /// decoder reads, below NIO's response encoder. Nil once the handler has left its pipeline.
    var responseOutput: ChannelHandlerContext? { get }
    /// Sends what was written: now, or at the end of the event loop's tick (``TickFlusher``).
    func flush()
    /// The connection's last admission by bearer token, for its next request.
    var admissionMemo: AdmissionMemo? { get set }
    /// Calls the exchange's `checkTimeouts()` no later than `due`.
    func wake(at due: ContinuousClock.Instant)
    /// The exchange's response has ended (or the client is gone).
    func exchangeEnded(_ exchange: ProxyExchange, closeConnection: Bool)
}

extension ExchangeHost {
    /// Writes response bytes, framed by the exchange.
    func write(_ bytes: ByteBuffer) {
        responseOutput?.write(NIOAny(bytes), promise: nil)
    }

    func writeAndFlush(_ bytes: ByteBuffer) {
        write(bytes)
        flush()
    }
}

/// One timer per client connection for its exchanges' timeouts. A later time keeps the timer
/// already set (the exchange is called early, looks at its deadlines and asks again), so a
/// busy keep-alive connection schedules about one timer per timeout period rather than one
/// per request. Used on the connection's event loop only.
final class ConnectionTimer {
    private var scheduled: Scheduled<Void>?
    private var due: ContinuousClock.Instant?

    /// Whether the timer already fires no later than `due`. Hosts ask before calling `wake`,
    /// so the usual call (twice per request) passes no closure.
    func covers(_ due: ContinuousClock.Instant) -> Bool {
        guard scheduled != nil, let armed = self.due else { return false }
        return armed <= due
    }

    func wake(at due: ContinuousClock.Instant, on loop: any EventLoop, _ fire: @escaping () -> Void) {
        if covers(due) { return }
        scheduled?.cancel()
        self.due = due
        let delay = TimeAmount.nanoseconds(max(0, (due - .now).nanoseconds))
        scheduled = loop.assumeIsolated().scheduleTask(in: delay) { [self] in
            scheduled = nil
            self.due = nil
            fire()
        }
    }

    func stop() {
        scheduled?.cancel()
        scheduled = nil
        due = nil
    }
}

/// A client connection's address as text, worked out once per connection.
struct ClientAddress {
    private var known: String??

    /// The connection's channel is looked up only the first time.
    mutating func text(of context: ChannelHandlerContext) -> String? {
        if let known { return known }
        let address = context.channel.remoteAddress?.ipAddress
        known = .some(address)
        return address
    }
}
