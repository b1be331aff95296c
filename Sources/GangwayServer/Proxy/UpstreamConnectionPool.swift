import GangwayCore
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Keep-alive HTTP/1.1 connections to instances, kept per event loop so a client's connection
/// and the instance connection serving it live on the same thread: a relayed chunk is a
/// function call, not a hop between threads. `https` instances get TLS, verified against the
/// system's trust roots.
final class UpstreamConnectionPool: Sendable {
    private struct Key: Hashable {
        let loop: ObjectIdentifier
        let host: String
        let port: Int

        init(_ url: InstanceURL, _ loop: any EventLoop) {
            self.init(host: url.host, port: url.port, loop)
        }

        init(host: String, port: Int, _ loop: any EventLoop) {
            self.loop = ObjectIdentifier(loop)
            self.host = host
            self.port = port
        }

        /// Reads the two fields out of the instance: taking its `InstanceURL` whole would
        /// copy (retain and later release) all five of its strings, once per request.
        init(_ instance: ModelPool.Instance, _ loop: any EventLoop) {
            self.init(host: instance.url.host, port: instance.url.port, loop)
        }

        /// The host is compared, not hashed: hashing its text twice per request costs more
        /// than the rare collision of two hosts on one port.
        func hash(into hasher: inout Hasher) {
            hasher.combine(loop)
            hasher.combine(port)
        }
    }

    private struct IdleConnection {
        let channel: any Channel
        /// Kept beside the channel: finding it in the pipeline costs a search per request.
        let handler: NIOLoopBound<UpstreamConnectionHandler>
        let since: NIODeadline
    }

    /// Idle connections beyond this many per instance and loop are closed rather than kept.
    static let idleLimit = 512
    /// A connection idle longer than this is not reused. Model servers built on uvicorn (vLLM,
    /// SGLang, llama-cpp-python) close idle connections after 5 s; reusing one at that moment
    /// races the close, and a request lost that way could not be resent.
    static let reuseWindow = TimeAmount.seconds(4)
    /// Newest last, per instance and loop. A list is an object found with the dictionary's
    /// getter and changed in place: changing an array stored in the dictionary would go through
    /// the subscript's `_modify` accessor, whose frame is allocated on every call.
    private final class IdleList {
        var connections: [IdleConnection] = []
    }

    /// Each loop's flusher, for instance connections and client connections alike.
    let tickFlushers = PerLoop { TickFlusher(loop: $0) }
    /// Each loop's reusable buffers and field lists.
    let spares = PerLoop { _ in LoopSpares() }
    /// Lists are read and changed only under this lock.
    private let idle = Mutex<[Key: IdleList]>([:])
    /// Made once: building a TLS context loads the trust roots.
    private let tls: Result<NIOSSLContext, any Error> = Result {
        try NIOSSLContext(configuration: .makeClientConfiguration())
    }

    /// An idle connection to the instance on this loop, the most recently used first.
    func takeIdle(_ instance: ModelPool.Instance, on loop: any EventLoop) -> UpstreamConnectionHandler? {
        let key = Key(instance, loop)
        let oldest = NIODeadline.now() - Self.reuseWindow
        var stale: [IdleConnection] = []
        let fresh = idle.withLock { idle -> NIOLoopBound<UpstreamConnectionHandler>? in
            guard let list = idle[key], let newest = list.connections.popLast() else { return nil }
            if newest.since >= oldest { return newest.handler }
            // The newest is too old, so are all the others.
            stale = list.connections + [newest]
            list.connections = []
            return nil
        }
        for connection in stale { connection.channel.close(promise: nil) }
        return fresh?.value
    }

    /// Keeps a connection whose last exchange ended cleanly for the next request.
    func putBack(_ connection: UpstreamConnectionHandler, _ instance: ModelPool.Instance) {
        guard let channel = connection.channel else { return }
        putBack(connection, channel: channel, key: Key(instance, channel.eventLoop))
    }

    private func putBack(_ connection: UpstreamConnectionHandler, channel: any Channel, key: Key) {
        let entry = IdleConnection(
            channel: channel, handler: NIOLoopBound(connection, eventLoop: channel.eventLoop), since: .now())
        let kept = idle.withLock { idle in
            let list: IdleList
            if let existing = idle[key] {
                list = existing
            } else {
                list = IdleList()
                idle[key] = list
            }
            guard list.connections.count < Self.idleLimit else { return false }
            list.connections.append(entry)
            return true
        }
        if !kept { channel.close(promise: nil) }
    }

    /// How many idle connections this loop holds for the instance.
    func idleCount(_ url: InstanceURL, on loop: any EventLoop) -> Int {
        idle.withLock { $0[Key(url, loop)]?.connections.count ?? 0 }
    }

    /// Closes a connection the instance asked to close after its response, and opens a spare
    /// in its place.
    func retire(_ connection: UpstreamConnectionHandler, _ url: InstanceURL, connectTimeout: Duration) {
        guard let loop = connection.channel?.eventLoop else { return }
        connection.close()
        prepareSpare(url, on: loop, timeout: connectTimeout)
    }

    /// Opens a connection ahead of need when this loop holds no idle one for the instance, and
    /// keeps it idle: for instances that close their connection after each response (Gangway's
    /// mock does after a stream), so the next request does not wait for a connection to be set
    /// up. A spare that fails to open is dropped without a word (the health checker judges
    /// instances); one left unused past the reuse window is closed and not replaced.
    func prepareSpare(_ url: InstanceURL, on loop: any EventLoop, timeout: Duration) {
        let key = Key(url, loop)
        guard idle.withLock({ $0[key]?.connections.isEmpty ?? true }) else { return }
        connect(url, on: loop, timeout: timeout).whenSuccess { channel in
            // Same loop: the channel was opened on it.
            guard let handler = try? channel.pipeline.syncOperations.handler(type: UpstreamConnectionHandler.self) else {
                channel.close(promise: nil)
                return
            }
            self.putBack(handler, channel: channel, key: key)
        }
    }

    /// Opens a connection to the instance on the given loop, with its handlers in place. A
    /// connection that closes while idle (the instance's keep-alive timeout) leaves the pool.
    func connect(_ url: InstanceURL, on loop: any EventLoop, timeout: Duration) -> EventLoopFuture<any Channel> {
        let tls: NIOSSLContext?
        do {
            tls = url.scheme == "https" ? try self.tls.get() : nil
        } catch {
            return loop.makeFailedFuture(error)
        }
        let key = Key(url, loop)
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.nanoseconds(max(1, timeout.nanoseconds)))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        // SNI and certificate checks need a name; an IP address is checked as such.
                        let name = url.host.contains(":") || url.host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : url.host
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: name))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        UpstreamConnectionHandler(
                            flusher: self.tickFlushers.on(channel.eventLoop), spares: self.spares.on(channel.eventLoop)))
                }
            }
        // An IP address needs no lookup. Given a name, NIO resolves it on a dispatch queue and
        // races IPv6 against IPv4, which costs a few hundred microseconds per connection.
        let connecting =
            if let address = try? SocketAddress(ipAddress: url.host, port: url.port) {
                bootstrap.connect(to: address)
            } else {
                bootstrap.connect(host: url.host, port: url.port)
            }
        return connecting
            .map { channel in
                channel.closeFuture.whenComplete { _ in self.forget(channel, key) }
                return channel
            }
    }

    private func forget(_ channel: any Channel, _ key: Key) {
        idle.withLock { idle in
            idle[key]?.connections.removeAll { $0.channel === channel }
        }
    }

    /// Closes every idle connection (at shutdown).
    func closeAll() {
        let channels = idle.withLock { idle in
            defer { idle.removeAll() }
            return idle.values.flatMap { $0.connections.map(\.channel) }
        }
        for channel in channels { channel.close(promise: nil) }
    }
}
