import AsyncHTTPClient
import Foundation
import GangwayCore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// SageMaker's runtime API, `InvokeEndpoint` and `InvokeEndpointWithResponseStream`, as boto3's
/// `sagemaker-runtime` client calls it: bodies go byte for byte to the instance's
/// `/invocations`, and errors come back in SageMaker's shapes.
struct SageMakerRuntime: Sendable {
    /// SageMaker's limit on an invocation's request body.
    static let maxBodyBytes = 6 * 1024 * 1024
    /// How much of an instance's error body is kept for `OriginalMessage`.
    static let maxErrorBodyBytes = 64 * 1024

    let registry: LiveRegistry
    let clients: UpstreamClients
    let runtimeGuard: RuntimeGuard
    let sessions: SessionTable

    init(registry: LiveRegistry, clients: UpstreamClients, runtimeGuard: RuntimeGuard, sessions: SessionTable = SessionTable()) {
        self.registry = registry
        self.clients = clients
        self.runtimeGuard = runtimeGuard
        self.sessions = sessions
    }

    func register(on router: Router<GangwayRequestContext>) {
        let group = router.group("endpoints/:endpoint").add(middleware: SageMakerErrorMiddleware())
        group.post("invocations", use: invoke)
        group.post("invocations-response-stream", use: invokeWithResponseStream)
    }

    /// One admitted invocation, sent: the instance's answer and where it came from.
    struct Sent: Sendable {
        let exchange: UpstreamExchange
        let pool: ModelPool
        let endpoint: String
        let start: ContinuousClock.Instant
        /// The request with its body collected (its inbound-close detection still usable).
        let request: Request
    }

    /// Everything the two operations share, up to the instance's response head: body limit,
    /// authentication and authorization, endpoint and component, session routing, sending.
    func send(_ request: Request, context: GangwayRequestContext, streaming: Bool) async throws -> Sent {
        let start = ContinuousClock.now
        let endpointName = context.parameters.get("endpoint") ?? ""
        let component = request.headers[SageMakerHeaders.inferenceComponent].flatMap { $0.isEmpty ? nil : $0 }

        var request = request
        let limit = Self.maxBodyBytes
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw SageMakerError.payloadTooLarge(limit: limit)
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw SageMakerError.payloadTooLarge(limit: limit)
        } catch is NIOTooManyBytesError {
            throw SageMakerError.payloadTooLarge(limit: limit)
        }

        // Who is calling is settled before anything about the endpoint is revealed.
        _ = try await runtimeGuard.admit(request, body: body, endpoint: endpointName, component: component, context: context)
        let registry = self.registry.current
        guard let endpoint = registry.endpoint(named: endpointName) else {
            throw SageMakerError(GatewayError.endpointNotFound(endpointName, account: registry.account))
        }
        if case .components = endpoint.backend, component == nil {
            throw SageMakerError.componentNameMissing(endpoint: endpoint.name)
        }
        let pool = try registry.pool(endpoint: endpointName[...], component: component?[...])

        var pinned: Int?
        if let session = request.headers[SageMakerHeaders.sessionID], !session.isEmpty {
            if session == SageMakerHeaders.newSession {
                if streaming { throw SageMakerError.newSessionOnStream }
            } else {
                guard let index = sessions.instance(for: session, target: pool.target, now: Date()) else {
                    throw SageMakerError.unknownSession(session)
                }
                pinned = index
            }
        }

        let forwarded = ForwardedRequest(
            method: .post, path: "/invocations",
            headers: SageMakerHeaders.forwarded(from: request.headers, streaming: streaming), body: body)
        // The invocation timeout bounds a synchronous call whole, and a stream until its first byte.
        let deadline = start + min(pool.settings.invocationTimeout, pool.settings.timeouts.total)
        let exchange: UpstreamExchange
        if let pinned {
            exchange = try await clients.send(forwarded, to: pool, pinnedTo: pinned, deadline: deadline, logger: context.logger)
        } else {
            exchange = try await clients.send(forwarded, to: pool, deadline: deadline, logger: context.logger)
        }
        let sent = Sent(exchange: exchange, pool: pool, endpoint: endpoint.name, start: start, request: request)
        try await rejectModelError(sent, deadline: deadline)
        recordSession(sent)
        return sent
    }

    /// An instance's error status becomes a `ModelError` carrying what the instance said.
    private func rejectModelError(_ sent: Sent, deadline: ContinuousClock.Instant) async throws {
        let status = Int(sent.exchange.response.status.code)
        guard status >= 400 else { return }
        defer { sent.exchange.lease.release() }
        let bytes = await Self.collect(sent.exchange.response.body, upTo: Self.maxErrorBodyBytes, deadline: deadline)
        throw SageMakerError.model(
            status: status, body: String(decoding: bytes.readableBytesView, as: UTF8.self), target: sent.pool.target,
            logStreamARN: logStreamARN(endpoint: sent.endpoint))
    }

    /// Opens or closes the session the instance named in its response headers.
    private func recordSession(_ sent: Sent) {
        let headers = sent.exchange.response.headers
        if let value = headers.first(name: SageMakerHeaders.newSessionID.rawName), let session = SessionHeader(value) {
            sessions.open(session, target: sent.pool.target, instance: sent.exchange.lease.instance.index, now: Date())
        }
        if let closed = headers.first(name: SageMakerHeaders.closedSessionID.rawName), !closed.isEmpty {
            sessions.close(closed.trimmingCharacters(in: .whitespaces), target: sent.pool.target)
        }
    }

    /// SageMaker names the CloudWatch log stream of the endpoint; Gangway logs under the
    /// same endpoint name in its own log, and gives the ARN in the same form.
    func logStreamARN(endpoint: String) -> String {
        "arn:aws:logs:\(runtimeGuard.region):\(runtimeGuard.account):log-group:/aws/sagemaker/Endpoints/\(endpoint)"
    }

    /// The response headers SageMaker clients read, from the instance's.
    func responseHeaders(_ sent: Sent) -> HTTPFields {
        var fields = HTTPFields()
        fields[SageMakerHeaders.invokedProductionVariant] = SageMakerHeaders.productionVariant
        let instance = sent.exchange.response.headers
        for name in SageMakerHeaders.returnedFromInstance {
            for value in instance[name.rawName] { fields.append(HTTPField(name: name, value: value)) }
        }
        return fields
    }

    /// Reads at most `limit` bytes of a body, giving up (with nothing) at the deadline.
    static func collect(_ body: HTTPClientResponse.Body, upTo limit: Int, deadline: ContinuousClock.Instant) async -> ByteBuffer {
        await withTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                var collected = ByteBuffer()
                do {
                    for try await var chunk in body {
                        let room = limit - collected.readableBytes
                        if let slice = chunk.readSlice(length: min(room, chunk.readableBytes)) {
                            collected.writeImmutableBuffer(slice)
                        }
                        if collected.readableBytes >= limit { break }
                    }
                } catch {}
                return collected
            }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? ByteBuffer()
        }
    }
}
