import CGangwayWire
import Glibc
import NIOCore

/// A connection to an instance on the wire transport: the exchange's request is written with
/// `write`/`writev`, and the response read straight from the socket into
/// ``InstanceResponseReader``. Plain HTTP only (`https` instances are served on NIO's loops).
final class WireInstanceConnection: WireSocketHandler, InstanceConnection, TickFlushed {
    private let descriptor: CInt
    private let loop: WireLoop
    private var registration: Reactor.Registration?
    /// Which idle list it belongs in.
    let key: WireInstanceLinks.Key
    var receiver: (any UpstreamResponseReceiver)?
    private let reader: InstanceResponseReader
    private var outbound = WireOutbound()
    private var interest: UInt32 = 0
    private var readsPaused = false
    private(set) var isClosed = false
    /// While connecting: whom to tell, and the connect timeout.
    private var connecting: ((Result<any InstanceConnection, any Error>) -> Void)?
    private var connectTimer: Scheduled<Void>?
    private var connectingTo: SocketAddress?
    var flushHeld = false
    /// When it was last put back idle (reactor clock, nanoseconds).
    var idleSince: UInt64 = 0

    private static let readsPerEvent = 4

    private init(descriptor: CInt, key: WireInstanceLinks.Key, loop: WireLoop) {
        self.descriptor = descriptor
        self.key = key
        self.loop = loop
        reader = InstanceResponseReader(spares: loop.spares)
    }

    /// Opens a connection to the first of `addresses` that takes one (a name may have an IPv6
    /// and an IPv4 address, and a server listen on one of them); `done` is called on the loop,
    /// at the latest when `timeout` has passed for each address tried.
    static func open(
        to addresses: [SocketAddress], key: WireInstanceLinks.Key, loop: WireLoop, timeout: Duration,
        _ done: @escaping (Result<any InstanceConnection, any Error>) -> Void
    ) {
        guard let address = addresses.first else {
            done(.failure(WireResolveError(host: key.host, message: "no address")))
            return
        }
        guard addresses.count > 1 else {
            open(to: address, key: key, loop: loop, timeout: timeout, done)
            return
        }
        open(to: address, key: key, loop: loop, timeout: timeout) { result in
            if case .failure = result {
                open(to: Array(addresses.dropFirst()), key: key, loop: loop, timeout: timeout, done)
            } else {
                done(result)
            }
        }
    }

    private static func open(
        to address: SocketAddress, key: WireInstanceLinks.Key, loop: WireLoop, timeout: Duration,
        _ done: @escaping (Result<any InstanceConnection, any Error>) -> Void
    ) {
        let started: (descriptor: CInt, connected: Bool)
        do {
            started = try WireSocket.connect(to: address)
        } catch {
            done(.failure(WireConnectError(address: address, cause: error)))
            return
        }
        let connection = WireInstanceConnection(descriptor: started.descriptor, key: key, loop: loop)
        do {
            connection.interest = started.connected ? WireInterest.readable : WireInterest.writable
            connection.registration = try loop.reactor.register(
                started.descriptor, handler: connection, interest: connection.interest)
        } catch {
            Glibc.close(started.descriptor)
            done(.failure(error))
            return
        }
        if started.connected {
            done(.success(connection))
            return
        }
        connection.connecting = done
        connection.connectingTo = address
        let bound = NIOLoopBound(connection, eventLoop: loop.reactor)
        connection.connectTimer = loop.reactor.scheduleTask(in: .nanoseconds(max(1, timeout.nanoseconds))) {
            bound.value.connectFinished(ETIMEDOUT, address: address)
        }
    }

    private func connectFinished(_ code: CInt, address: SocketAddress? = nil) {
        guard let done = connecting else { return }
        connecting = nil
        connectTimer?.cancel()
        connectTimer = nil
        if code == 0 {
            setInterest(WireInterest.readable)
            done(.success(self))
        } else {
            closeSocket()
            done(.failure(WireConnectError(address: address, cause: .system("connect", code))))
        }
    }

    // MARK: Readiness

    func socketReady(_ events: UInt32) {
        if connecting != nil {
            connectFinished(gangway_wire_socket_error(descriptor), address: connectingTo)
            return
        }
        if events & WireInterest.writable != 0 { flushNow() }
        if events & (WireInterest.readable | WireInterest.hangUp | WireInterest.error) != 0, !isClosed, !readsPaused {
            readAvailable()
        }
    }

    private func readAvailable() {
        var read = false
        for _ in 0..<Self.readsPerEvent {
            var buffer = loop.takeReceiveBuffer()
            let room = buffer.writableBytes
            let count = WireSocket.read(descriptor, into: &buffer)
            guard count > 0 else {
                loop.giveBack(receiveBuffer: buffer)
                if count == 0 || count < -1 {
                    // The instance closed (an idle connection past its keep-alive, or a body
                    // that runs to the close), or the connection failed.
                    if read { receiver?.upstreamReadComplete() }
                    reader.inputEnded(on: self)
                    close()
                    return
                }
                break
            }
            read = true
            let outcome = reader.read(buffer, on: self)
            loop.giveBack(receiveBuffer: buffer)
            if case .close = outcome {
                close()
                return
            }
            guard count == room, !isClosed, !readsPaused else { break }
        }
        if read { receiver?.upstreamReadComplete() }
    }

    // MARK: InstanceConnection

    func send(_ request: ByteBuffer, body: ByteBuffer?) {
        guard !isClosed else {
            receiver?.upstreamBroken(ChannelError.ioOnClosedChannel)
            return
        }
        reader.expectResponse()
        outbound.append(request)
        if let body { outbound.append(body) }
        loop.flusher.flush(self)
    }

    func flushNow() {
        guard !isClosed, !outbound.isEmpty else { return }
        switch outbound.write(to: descriptor) {
        case .done:
            setInterest(readsPaused ? 0 : WireInterest.readable)
        case .blocked:
            setInterest((readsPaused ? 0 : WireInterest.readable) | WireInterest.writable)
        case .failed(let code):
            // The exchange learns of it on the next tick, not in the middle of its own write.
            outbound.discard()
            let bound = NIOLoopBound(self, eventLoop: loop.reactor)
            loop.reactor.execute {
                let connection = bound.value
                guard let receiver = connection.receiver else { return }
                connection.receiver = nil
                connection.close()
                receiver.upstreamBroken(WireError.system("write", code))
            }
        }
    }

    func setAutoRead(_ enabled: Bool) {
        guard readsPaused == enabled, !isClosed else { return }
        readsPaused = !enabled
        let writing = interest & WireInterest.writable
        setInterest((enabled ? WireInterest.readable : 0) | writing)
    }

    func close() {
        receiver = nil
        guard !isClosed else { return }
        closeSocket()
        loop.links.forget(self)
    }

    private func closeSocket() {
        isClosed = true
        outbound.discard()
        connectTimer?.cancel()
        connectTimer = nil
        guard let registration else { return }
        loop.reactor.deregister(descriptor, registration)
        self.registration = nil
        Glibc.close(descriptor)
    }

    private func setInterest(_ new: UInt32) {
        guard let registration, new != interest else { return }
        interest = new
        loop.reactor.changeInterest(descriptor, registration, to: new)
    }
}

/// A connection to an instance could not be opened.
struct WireConnectError: Error, CustomStringConvertible {
    let address: SocketAddress?
    let cause: WireError

    /// Refused: nothing listens there (the instance is down), as NIO's connect error says.
    var isRefused: Bool { cause.code == ECONNREFUSED }

    var description: String {
        "connection to \(address.map { "\($0)" } ?? "the instance") failed: \(cause)"
    }
}
