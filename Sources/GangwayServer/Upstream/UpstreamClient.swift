import AsyncHTTPClient
import Foundation
import GangwayCore
import Logging
import NIOCore
import NIOHTTP1
public import NIOPosix

/// Sends requests to instances over keep-alive connection pools and classifies what went wrong.
public final class UpstreamClient: Sendable {
    let http: HTTPClient

    /// `readBackstop`: the longest silence on a connection before it is dropped, a safety net
    /// behind the relay's own idle and total timeouts (the relay's fast path has no watchdog).
    public init(
        eventLoopGroup: MultiThreadedEventLoopGroup = .singleton, connectTimeout: Duration = .seconds(3),
        readBackstop: Duration? = nil
    ) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(
            connect: .nanoseconds(connectTimeout.nanoseconds), read: readBackstop.map { .nanoseconds($0.nanoseconds) })
        // A refused connection must fail at once so the request can go to another instance;
        // the pool's own retry would hold the request for the whole connect timeout.
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 100_000)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.httpVersion = .http1Only
        configuration.decompression = .disabled
        configuration.redirectConfiguration = .disallow
        http = HTTPClient(eventLoopGroupProvider: .shared(eventLoopGroup), configuration: configuration)
    }

    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// Whether an error means the request never reached the instance (safe to send elsewhere).
    static func isConnectFailure(_ error: any Error) -> Bool {
        if let clientError = error as? HTTPClientError {
            return clientError == .connectTimeout || clientError == .socksHandshakeTimeout
        }
        if error is NIOConnectionError { return true }
        if let channelError = error as? ChannelError, case .connectTimeout = channelError { return true }
        if let ioError = error as? IOError {
            return [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, ETIMEDOUT, EADDRNOTAVAIL].contains(ioError.errnoCode)
        }
        return false
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
