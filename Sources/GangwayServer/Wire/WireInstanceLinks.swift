import Dispatch
import GangwayCore
import NIOCore

/// The instance connections of one reactor: idle keep-alive connections per instance, newest
/// last, and new ones opened on the reactor. Only the reactor's thread uses it, so it needs no
/// lock (NIO's loops share one table, ``UpstreamConnectionPool``). The rules are the NIO pool's:
/// at most ``UpstreamConnectionPool/idleLimit`` idle per instance, none reused after
/// ``UpstreamConnectionPool/reuseWindow``, and a spare opened when an instance closes its
/// connection after a response.
final class WireInstanceLinks: InstanceLinks {
    struct Key: Hashable {
        let host: String
        let port: Int

        /// The host is compared, not hashed: hashing its text per request costs more than the
        /// rare collision of two hosts on one port.
        func hash(into hasher: inout Hasher) {
            hasher.combine(port)
        }
    }

    /// A list is an object changed in place (see ``UpstreamConnectionPool``).
    private final class IdleList {
        var connections: [WireInstanceConnection] = []
    }

    private unowned let loop: WireLoop
    private var idle: [Key: IdleList] = [:]
    private static let reuseWindow = UInt64(UpstreamConnectionPool.reuseWindow.nanoseconds)

    init(loop: WireLoop) {
        self.loop = loop
    }

    func takeIdle(_ instance: ModelPool.Instance) -> (any InstanceConnection)? {
        let url = instance.url
        guard let list = idle[Key(host: url.host, port: url.port)], let newest = list.connections.popLast() else {
            return nil
        }
        if Self.now() - newest.idleSince <= Self.reuseWindow { return newest }
        // The newest is too old, so are all the others.
        let stale = list.connections + [newest]
        list.connections = []
        for connection in stale { connection.close() }
        return nil
    }

    func connect(
        _ url: InstanceURL, timeout: Duration, _ done: @escaping (Result<any InstanceConnection, any Error>) -> Void
    ) {
        let key = Key(host: url.host, port: url.port)
        // An IP address needs no lookup; a name is looked up off the loop (getaddrinfo blocks).
        if let address = try? SocketAddress(ipAddress: url.host, port: url.port) {
            WireInstanceConnection.open(to: [address], key: key, loop: loop, timeout: timeout, done)
            return
        }
        let reactor = loop.reactor
        let loop = NIOLoopBound(self.loop, eventLoop: reactor)
        let finish = NIOLoopBound(done, eventLoop: reactor)
        DispatchQueue.global().async {
            let addresses = Result { try WireSocket.resolve(url.host, port: url.port) }
            reactor.execute {
                switch addresses {
                case .success(let addresses):
                    WireInstanceConnection.open(to: addresses, key: key, loop: loop.value, timeout: timeout, finish.value)
                case .failure(let error):
                    finish.value(.failure(error))
                }
            }
        }
    }

    func putBack(_ connection: any InstanceConnection, _ instance: ModelPool.Instance) {
        let connection = connection as! WireInstanceConnection
        guard !connection.isClosed else { return }
        keep(connection)
    }

    private func keep(_ connection: WireInstanceConnection) {
        let list: IdleList
        if let existing = idle[connection.key] {
            list = existing
        } else {
            list = IdleList()
            idle[connection.key] = list
        }
        guard list.connections.count < UpstreamConnectionPool.idleLimit else {
            connection.close()
            return
        }
        connection.idleSince = Self.now()
        list.connections.append(connection)
    }

    func retire(_ connection: any InstanceConnection, _ url: InstanceURL, connectTimeout: Duration) {
        connection.close()
        prepareSpare(url, timeout: connectTimeout)
    }

    /// Opens a connection ahead of need when none is idle for the instance (see
    /// ``UpstreamConnectionPool/prepareSpare(_:on:timeout:)``).
    func prepareSpare(_ url: InstanceURL, timeout: Duration) {
        guard idle[Key(host: url.host, port: url.port)]?.connections.isEmpty ?? true else { return }
        connect(url, timeout: timeout) { [self] result in
            if case .success(let connection) = result { keep(connection as! WireInstanceConnection) }
        }
    }

    func idleCount(_ url: InstanceURL) -> Int {
        idle[Key(host: url.host, port: url.port)]?.connections.count ?? 0
    }

    /// A connection closed: it leaves the idle list if it was in it.
    func forget(_ connection: WireInstanceConnection) {
        guard let list = idle[connection.key] else { return }
        if let index = list.connections.lastIndex(where: { $0 === connection }) { list.connections.remove(at: index) }
    }

    /// Closes every idle connection (at shutdown).
    func closeAll() {
        let lists = idle.values
        idle = [:]
        for list in lists {
            for connection in list.connections { connection.close() }
        }
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
