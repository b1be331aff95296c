import GangwayCore
import NIOCore

/// A connection to an instance as the exchange it serves sees it: a NIO channel whose handler
/// is ``UpstreamConnectionHandler``, or a socket of the wire transport's own
/// (``WireInstanceConnection``). Used on its loop only.
protocol InstanceConnection: AnyObject {
    /// The exchange the response goes to; nil while the connection is idle.
    var receiver: (any UpstreamResponseReceiver)? { get set }
    /// Sends a request: its head (and a small body) in `request`, a large body apart.
    func send(_ request: ByteBuffer, body: ByteBuffer?)
    /// Backpressure: whether to read the instance's response (off while the client is slow).
    func setAutoRead(_ enabled: Bool)
    /// Closes the connection without telling the receiver (it is the one asking).
    func close()
}

/// Where the exchanges of one loop get their instance connections, and give them back.
protocol InstanceLinks: AnyObject {
    /// An idle connection to the instance, the most recently used first.
    func takeIdle(_ instance: ModelPool.Instance) -> (any InstanceConnection)?
    /// Opens a connection; `done` is called on the loop.
    func connect(
        _ url: InstanceURL, timeout: Duration, _ done: @escaping (Result<any InstanceConnection, any Error>) -> Void)
    /// Keeps a connection whose last exchange ended cleanly for the next request.
    func putBack(_ connection: any InstanceConnection, _ instance: ModelPool.Instance)
    /// Closes a connection the instance asked to close after its response, and opens a spare
    /// in its place.
    func retire(_ connection: any InstanceConnection, _ url: InstanceURL, connectTimeout: Duration)
}

/// The links of a host not (or no longer) in its pipeline: no connection is kept or made.
final class NoInstanceLinks: InstanceLinks {
    func takeIdle(_ instance: ModelPool.Instance) -> (any InstanceConnection)? { nil }

    func connect(
        _ url: InstanceURL, timeout: Duration, _ done: @escaping (Result<any InstanceConnection, any Error>) -> Void
    ) {
        done(.failure(ChannelError.ioOnClosedChannel))
    }

    func putBack(_ connection: any InstanceConnection, _ instance: ModelPool.Instance) { connection.close() }

    func retire(_ connection: any InstanceConnection, _ url: InstanceURL, connectTimeout: Duration) {
        connection.close()
    }
}
