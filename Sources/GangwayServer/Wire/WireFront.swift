import CGangwayWire
import Dispatch
import Glibc
import NIOCore
import NIOPosix

/// The wire transport's listening socket and reactors: one reactor per CPU, each accepting from
/// the shared listening socket (`EPOLLEXCLUSIVE`: one reactor is woken per new connection) and
/// serving its connections' proxied requests on its own thread.
final class WireFront: Sendable {
    private let listener: CInt
    let port: Int
    private let loops: [NIOLoopBound<WireLoop>]

    /// Listens on `host:port` (port 0: any free port) and starts `reactorCount` reactors.
    init(
        host: String, port: Int, backlog: Int, reactorCount: Int, forwarder: OpenAIForwarder,
        handOver: @escaping @Sendable (CInt, ByteBuffer?) -> Void
    ) throws {
        let address = try SocketAddress(ipAddress: host, port: port)
        let listener = gangway_wire_stream_socket(CInt(address.protocol.rawValue))
        guard listener >= 0 else { throw WireError.system("socket", errno) }
        self.listener = listener
        var reactors: [Reactor] = []
        do {
            var on: CInt = 1
            _ = setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<CInt>.size))
            let bound = address.withSockAddr { pointer, size in bind(listener, pointer, socklen_t(size)) }
            guard bound == 0 else { throw WireError.system("bind", errno) }
            guard listen(listener, CInt(clamping: backlog)) == 0 else { throw WireError.system("listen", errno) }
            self.port = try Self.localPort(listener)

            for index in 0..<max(1, reactorCount) {
                reactors.append(try Reactor(name: "gangway-wire-\(index)"))
            }
        } catch {
            for reactor in reactors { reactor.shutdownGracefully { _ in } }
            Glibc.close(listener)
            throw error
        }
        loops = try reactors.map { reactor in
            try reactor.submit {
                let loop = WireLoop(reactor: reactor, forwarder: forwarder, handOver: handOver)
                let acceptor = WireAcceptor(listener: listener, loop: loop)
                acceptor.registration = try reactor.register(
                    listener, handler: acceptor, interest: WireInterest.readable | GANGWAY_WIRE_EXCLUSIVE)
                loop.acceptor = acceptor
                return NIOLoopBound(loop, eventLoop: reactor)
            }.wait()
        }
    }

    private static func localPort(_ descriptor: CInt) throws -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else { throw WireError.system("getsockname", errno) }
        let family = CInt(storage.ss_family)
        return withUnsafePointer(to: &storage) { pointer in
            if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    /// Graceful shutdown: stops accepting; idle connections close now, busy ones once their
    /// exchange ends. Returns once every connection the wire serves has closed.
    func drain() async {
        for loop in loops {
            let reactor = loop.value.reactor
            try? await reactor.submit {
                let loop = loop.value
                loop.acceptor?.stop()
                loop.quiesce()
            }.get()
        }
        while await openClients() > 0 {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    private func openClients() async -> Int {
        var total = 0
        for loop in loops {
            total += (try? await loop.value.reactor.submit { loop.value.openClients }.get()) ?? 0
        }
        return total
    }

    /// Closes every connection and stops the reactors.
    func shutdown() async {
        for loop in loops {
            let reactor = loop.value.reactor
            try? await reactor.submit {
                let loop = loop.value
                loop.acceptor?.stop()
                loop.closeAll()
            }.get()
            try? await reactor.shutdownGracefully()
        }
        Glibc.close(listener)
    }
}

/// Accepts new connections on one reactor.
final class WireAcceptor: WireSocketHandler {
    private let listener: CInt
    private unowned let loop: WireLoop
    var registration: Reactor.Registration?
    /// Connections accepted per readiness event before other sockets get their turn.
    private static let acceptsPerEvent = 16

    init(listener: CInt, loop: WireLoop) {
        self.listener = listener
        self.loop = loop
    }

    func socketReady(_ events: UInt32) {
        for _ in 0..<Self.acceptsPerEvent {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let descriptor = gangway_wire_accept(listener, &address, &length)
            guard descriptor >= 0 else { return }
            _ = gangway_wire_set_nodelay(descriptor)
            WireClientConnection(descriptor: descriptor, client: WireSocket.text(of: address), loop: loop).start()
        }
    }

    func stop() {
        guard let registration else { return }
        self.registration = nil
        loop.reactor.deregister(listener, registration)
    }
}
