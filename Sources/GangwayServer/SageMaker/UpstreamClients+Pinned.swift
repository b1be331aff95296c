import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

extension UpstreamClients {
    /// Sends to one given instance, the one holding a stateful session. Never sent elsewhere,
    /// even when it cannot be reached: another instance does not know the session.
    func send(
        _ forwarded: ForwardedRequest, to pool: ModelPool, pinnedTo index: Int, deadline: ContinuousClock.Instant,
        logger: Logger
    ) async throws -> UpstreamExchange {
        guard let instance = pool.acquire(index: index) else {
            throw GatewayError.noHealthyInstance(pool.target)
        }
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
            if let clientError = error as? HTTPClientError, clientError == .deadlineExceeded {
                let phase = ContinuousClock.now >= deadline ? "total timeout" : "time to first byte"
                throw GatewayError.instanceTimeout(pool.target, phase: phase)
            }
            logger.warning(
                "session instance request failed",
                metadata: ["target": "\(pool.target)", "instance": "\(instance.url)", "error": "\(error)"])
            throw GatewayError.instanceUnreachable(pool.target)
        }
    }
}
