import Glibc
import NIOCore

/// A client connection of the wire transport: its bytes are read straight from the socket into
/// ``ClientRequestReader``, each request runs as a ``ProxyExchange`` on the reactor's thread,
/// and the answer is written back with `write`/`writev`. A connection whose request the fast
/// path does not take is handed, with the bytes read so far, to NIO and the router.
final class WireClientConnection: WireSocketHandler, ClientRequestHost, TickFlushed {
    private let descriptor: CInt
    private let loop: WireLoop
    private var registration: Reactor.Registration?
    private let reader: ClientRequestReader
    private let client: String?
    private var outbound = WireOutbound()
    private var interest = WireInterest.readable
    /// Whether the client takes what is written fast enough (backpressure on the instance).
    private var isWritable = true
    /// Nothing more is written or read; the socket is closed or handed over.
    private var finished = false
    /// Close once everything written has gone out.
    private var closeWhenWritten = false
    private let timer = ConnectionTimer()
    var flushHeld = false
    var admissionMemo: AdmissionMemo?

    /// Reads per readiness event before other sockets get their turn.
    private static let readsPerEvent = 4

    init(descriptor: CInt, client: String?, loop: WireLoop) {
        self.descriptor = descriptor
        self.client = client
        self.loop = loop
        reader = ClientRequestReader(forwarder: loop.forwarder)
        reader.spares = loop.spares
    }

    /// Starts reading; the connection is closed if the reactor cannot watch it.
    func start() {
        do {
            registration = try loop.reactor.register(descriptor, handler: self, interest: interest)
        } catch {
            finished = true
            Glibc.close(descriptor)
            return
        }
        loop.opened(self)
    }

    // MARK: Readiness

    func socketReady(_ events: UInt32) {
        if events & WireInterest.writable != 0 { flushNow() }
        if events & (WireInterest.readable | WireInterest.hangUp | WireInterest.error) != 0, !finished, !closeWhenWritten {
            readAvailable()
        }
    }

    private func readAvailable() {
        for _ in 0..<Self.readsPerEvent {
            var buffer = loop.takeReceiveBuffer()
            let room = buffer.writableBytes
            let count = WireSocket.read(descriptor, into: &buffer)
            guard count > 0 else {
                loop.giveBack(receiveBuffer: buffer)
                // The client closed (a hang-up mid-request or mid-stream stops the instance's
                // work) or the socket failed; -1 is "nothing more for now".
                if count == 0 || count < -1 { clientGone() }
                return
            }
            reader.received(buffer, host: self)
            loop.giveBack(receiveBuffer: buffer)
            guard count == room, !finished else { return }
        }
    }

    // MARK: ClientRequestHost

    func handOver() {
        guard !finished, let registration else { return }
        finished = true
        timer.stop()
        loop.reactor.deregister(descriptor, registration)
        self.registration = nil
        loop.closed(self)
        loop.handOver(descriptor, reader.takeUnread())
    }

    func closeConnection() {
        guard !finished else { return }
        flushNow()
        if outbound.isEmpty || finished {
            closeSocket()
        } else {
            // The answer goes out first; nothing more is read.
            closeWhenWritten = true
            setInterest(WireInterest.writable)
        }
    }

    func makeExchange(_ head: consuming ClientRequestHead, route: ResolvedTarget) -> ProxyExchange {
        ProxyExchange(
            head: .raw(head), route: route, forwarder: loop.forwarder, handler: self, eventLoop: loop.reactor,
            client: client)
    }

    // MARK: ExchangeHost

    var allocator: ByteBufferAllocator { loop.allocator }
    var spares: LoopSpares? { loop.spares }
    var instanceLinks: any InstanceLinks { loop.links }

    func write(_ bytes: ByteBuffer) {
        guard !finished else { return }
        outbound.append(bytes)
    }

    func flush() {
        loop.flusher.flush(self)
    }

    func flushNow() {
        guard !finished, !outbound.isEmpty || closeWhenWritten else { return }
        switch outbound.write(to: descriptor) {
        case .done:
            if closeWhenWritten {
                closeSocket()
                return
            }
            if interest & WireInterest.writable != 0 { setInterest(WireInterest.readable) }
        case .blocked:
            if interest & WireInterest.writable == 0 { setInterest(interest | WireInterest.writable) }
        case .failed:
            outbound.discard()
            // The exchange learns of it on the next tick, not in the middle of its own write.
            finished = true
            let connection = NIOLoopBound(self, eventLoop: loop.reactor)
            loop.reactor.execute { connection.value.clientGone(alreadyFinished: true) }
            return
        }
        updateWritability()
    }

    private func updateWritability() {
        if isWritable, outbound.count > WireOutbound.highWaterMark {
            isWritable = false
            reader.exchange?.clientWritabilityChanged(false)
        } else if !isWritable, outbound.count < WireOutbound.lowWaterMark {
            isWritable = true
            reader.exchange?.clientWritabilityChanged(true)
        }
    }

    func wake(at due: ContinuousClock.Instant) {
        guard !finished, !timer.covers(due) else { return }
        timer.wake(at: due, on: loop.reactor) { [self] in
            self.reader.exchange?.checkTimeouts()
        }
    }

    func exchangeEnded(_ ended: ProxyExchange, closeConnection: Bool) {
        reader.exchangeEnded(ended, closeConnection: closeConnection, host: self)
    }

    // MARK: Endings

    /// Graceful shutdown: an idle connection closes now, a busy one when its exchange ends.
    func quiesce() {
        if reader.exchange == nil {
            closeConnection()
        } else {
            reader.closeWhenIdle = true
        }
    }

    /// The drain is over: closed whatever it is doing.
    func abort() {
        clientGone()
    }

    private func clientGone(alreadyFinished: Bool = false) {
        guard alreadyFinished || !finished else { return }
        finished = true
        outbound.discard()
        reader.clientClosed()
        releaseSocket()
    }

    private func closeSocket() {
        finished = true
        reader.clientClosed()
        releaseSocket()
    }

    private func releaseSocket() {
        timer.stop()
        guard let registration else { return }
        loop.reactor.deregister(descriptor, registration)
        self.registration = nil
        Glibc.close(descriptor)
        loop.closed(self)
    }

    private func setInterest(_ new: UInt32) {
        guard let registration, new != interest else { return }
        interest = new
        loop.reactor.changeInterest(descriptor, registration, to: new)
    }
}
