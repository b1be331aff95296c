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
    let metrics: GatewayMetrics
    let sessions: SessionTable

    init(
        registry: LiveRegistry, clients: UpstreamClients, runtimeGuard: RuntimeGuard, metrics: GatewayMetrics,
        sessions: SessionTable = SessionTable()
    ) {
        self.registry = registry
        self.clients = clients
        self.runtimeGuard = runtimeGuard
        self.metrics = metrics
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
        /// Accounts the invocation in the endpoint's metrics until its response is complete.
        let meter: RequestMeter
        /// When the request went to the instance, for model latency.
        let sentAt: ContinuousClock.Instant

        func finish(failure: RelayFailure?, observer: RelayObserver, record: RequestRecord?) {
            observer.report(to: record, metrics: meter.metrics)
            let status = Int(exchange.response.status.code)
            meter.finish(status: status, modelLatency: .now - sentAt, modelFailed: failure != nil)
            if let failure { record?.update { $0.error = failure.code } }
        }
    }

    /// Everything the two operations share, up to the instance's response head: body limit,
    /// authentication and authorization, endpoint and component, session routing, sending.
    func send(_ request: Request, context: GangwayRequestContext, streaming: Bool) async throws -> Sent {
        let start = ContinuousClock.now
        let endpointName = context.parameters.get("endpoint") ?? ""
        let component = request.headers[SageMakerHeaders.inferenceComponent].flatMap { $0.isEmpty ? nil : $0 }

        var request = request
        let limit = Self.maxBodyBytes
        let body: ByteBuffer
        do {
            body = try await BodyLimit.collect(&request, limit: limit)
        } catch is BodyLimit.Exceeded {
            throw SageMakerError.payloadTooLarge(limit: limit)
        }

        // Who is calling is settled before anything about the endpoint is revealed.
        let caller = try await runtimeGuard.admit(
            request, body: body, endpoint: endpointName, component: component, context: context)
        context.record?.update {
            $0.bytesIn = body.readableBytes
            $0.principalARN = caller.user.arn
            $0.accessKeyID = caller.accessKeyID
            $0.endpoint = endpointName
            $0.component = component
        }
        let registry = self.registry.current
        guard let endpoint = registry.endpoint(named: endpointName) else {
            throw SageMakerError(GatewayError.endpointNotFound(endpointName, account: registry.account))
        }
        if case .components = endpoint.backend, component == nil {
            throw SageMakerError.componentNameMissing(endpoint: endpoint.name)
        }
        let pool = try registry.pool(endpoint: endpointName[...], component: component?[...])
        let meter = RequestMeter(metrics: metrics.pool(pool), start: start)
        do {
            return try await send(
                request, body: body, pool: pool, endpoint: endpoint.name, start: start, streaming: streaming, meter: meter,
                context: context)
        } catch let error as SageMakerError {
            meter.finish(status: Int(error.status.code), modelLatency: nil, modelFailed: error.status.code == 424)
            throw error
        } catch let error as GatewayError {
            meter.finish(status: Int(error.status.code), modelLatency: nil, modelFailed: [502, 504].contains(error.status.code))
            throw error
        }
    }

    private func send(
        _ request: Request, body: ByteBuffer, pool: ModelPool, endpoint: String, start: ContinuousClock.Instant,
        streaming: Bool, meter: RequestMeter, context: GangwayRequestContext
    ) async throws -> Sent {

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
        let sentAt = ContinuousClock.now
        if let pinned {
            exchange = try await clients.send(forwarded, to: pool, pinnedTo: pinned, deadline: deadline, logger: context.logger)
        } else {
            exchange = try await clients.send(forwarded, to: pool, deadline: deadline, logger: context.logger)
        }
        let sent = Sent(
            exchange: exchange, pool: pool, endpoint: endpoint, start: start, request: request, meter: meter,
            sentAt: sentAt)
        context.record?.update { $0.instance = exchange.lease.instance.url.description }
        meter.metrics?.perInstance[exchange.lease.instance.index].increment()
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
