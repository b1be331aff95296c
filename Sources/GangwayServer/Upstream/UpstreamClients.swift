import AsyncHTTPClient
import GangwayCore
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A request as it will be sent to an instance (path relative to the instance's base URL).
struct ForwardedRequest: Sendable {
    var method: HTTPRequest.Method
    var path: String
    var headers: HTTPFields
    var body: ByteBuffer?
}

/// The instance's answer, with the lease that keeps it counted as busy until the body is relayed.
struct UpstreamExchange: Sendable {
    let response: HTTPClientResponse
    let lease: InstanceLease
}

/// The upstream clients (one per connect timeout in use) and the send-with-failover logic.
public final class UpstreamClients: Sendable {
    /// The client settings a pool needs: its connect timeout, and a read backstop at the
    /// longer of its first-byte and idle timeouts (never shorter than what the relay allows).
    struct ClientKey: Hashable {
        let connect: Duration
        let readBackstop: Duration

        init(_ timeouts: UpstreamTimeouts) {
            connect = timeouts.connect
            readBackstop = max(timeouts.firstByte, timeouts.idle)
        }
    }

    /// One client per distinct setting in use; a reload may bring a new one.
    private let clients = Mutex<[ClientKey: UpstreamClient]>([:])

    public init() {}

    func client(for pool: ModelPool) -> UpstreamClient {
        let key = ClientKey(pool.settings.timeouts)
        return clients.withLock { clients in
            if let client = clients[key] { return client }
            let client = UpstreamClient(connectTimeout: key.connect, readBackstop: key.readBackstop)
            clients[key] = client
            return client
        }
    }

    public func shutdown() async {
        for client in clients.withLock({ Array($0.values) }) {
            try? await client.shutdown()
        }
    }

    /// Sends to an instance chosen by the pool's policy. A connection that cannot be opened is
    /// tried on another instance; once a request may have reached an instance it is never
    /// resent, since model calls are not idempotent in cost.
    func send(
        _ forwarded: ForwardedRequest, to pool: ModelPool, deadline: ContinuousClock.Instant, logger: Logger
    ) async throws -> UpstreamExchange {
        var tried: Set<Int> = []
        var connectFailed = false
        while let instance = pool.acquire(excluding: tried) {
            tried.insert(instance.index)
            do {
                return try await attempt(forwarded, on: instance, of: pool, deadline: deadline, logger: logger)
            } catch let failure as ConnectFailure {
                pool.connectFailed(instance, error: failure.underlying, logger: logger)
                connectFailed = true
            }
        }
        throw connectFailed ? GatewayError.instanceUnreachable(pool.target) : GatewayError.noHealthyInstance(pool.target)
    }

    /// Sends to one given instance, the one holding a stateful session. Never sent elsewhere,
    /// even when it cannot be reached: another instance does not know the session.
    func send(
        _ forwarded: ForwardedRequest, to pool: ModelPool, pinnedTo index: Int, deadline: ContinuousClock.Instant,
        logger: Logger
    ) async throws -> UpstreamExchange {
        guard let instance = pool.acquire(index: index) else {
            throw GatewayError.noHealthyInstance(pool.target)
        }
        do {
            return try await attempt(forwarded, on: instance, of: pool, deadline: deadline, logger: logger)
        } catch is ConnectFailure {
            throw GatewayError.instanceUnreachable(pool.target)
        }
    }

    /// A connection to the instance could not be opened: the request never left Gangway.
    struct ConnectFailure: Error {
        let underlying: any Error
    }

    /// One try on one already-acquired instance. Throws ``ConnectFailure`` when the request
    /// never left, else the ``GatewayError`` to answer (or a cancellation).
    private func attempt(
        _ forwarded: ForwardedRequest, on instance: ModelPool.Instance, of pool: ModelPool,
        deadline: ContinuousClock.Instant, logger: Logger
    ) async throws -> UpstreamExchange {
        let lease = InstanceLease(pool: pool, instance: instance)
        var request = HTTPClientRequest(url: instance.url.description + forwarded.path)
        request.method = HTTPMethod(rawValue: forwarded.method.rawValue)
        request.headers = HeaderForwarding.requestHeaders(forwarded.headers)
        if let body = forwarded.body {
            request.body = .bytes(body)
        }
        let headDeadline = min(ContinuousClock.now + pool.settings.timeouts.firstByte, deadline)
        let timeout = headDeadline - ContinuousClock.now
        do {
            let response = try await client(for: pool).http.execute(
                request, deadline: .now() + .nanoseconds(max(0, timeout.nanoseconds)), logger: nil)
            return UpstreamExchange(response: response, lease: lease)
        } catch {
            lease.release()
            if error is CancellationError { throw error }
            if UpstreamClient.isConnectFailure(error) { throw ConnectFailure(underlying: error) }
            if let clientError = error as? HTTPClientError, clientError == .deadlineExceeded {
                let phase = ContinuousClock.now >= deadline ? "total timeout" : "time to first byte"
                throw GatewayError.instanceTimeout(pool.target, phase: phase)
            }
            logger.warning(
                "instance request failed",
                metadata: ["target": "\(pool.target)", "instance": "\(instance.url)", "error": "\(error)"])
            throw GatewayError.instanceUnreachable(pool.target)
        }
    }
}

extension ModelPool {
    /// Records that a connection to the instance could not be opened (it leaves rotation at
    /// once) and logs it; the caller tries another instance.
    func connectFailed(_ instance: Instance, error: any Error, logger: Logger) {
        if recordConnectFailure(instance) == .leftRotation {
            logger.warning(
                "instance left rotation: connection failed", metadata: ["target": "\(target)", "instance": "\(instance.url)"])
        }
        logger.info(
            "connect failed; trying another instance",
            metadata: ["target": "\(target)", "instance": "\(instance.url)", "error": "\(error)"])
    }
}
