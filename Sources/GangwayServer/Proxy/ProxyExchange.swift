import Foundation
import GangwayCore
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1

/// One request on an OpenAI-compatible path, from its head to the end of its response, run
/// entirely on the client connection's event loop: the body is collected against the model's
/// limit, the caller authenticated (from memory when the key is cached, which is the usual
/// case) and authorized, an instance chosen, and its answer relayed chunk by chunk with the
/// first-byte, idle and total timeouts kept by one timer.
///
/// Not thread-safe by design: every method runs on `eventLoop`.
final class ProxyExchange: UpstreamResponseReceiver {
    private enum Phase {
        case receiving, admitting, connecting, awaitingHead, relaying, done
    }

    private let head: ClientHead
    private let route: ResolvedTarget
    private let forwarder: OpenAIForwarder
    private let handler: any ExchangeHost
    private let eventLoop: any EventLoop
    private let client: String?
    private let startedAt: ContinuousClock.Instant
    /// Made once the request has gone to the instance (or is answered without it): it is first
    /// needed in the response head.
    private lazy var requestID = RequestID.make()
    /// The access-log fields, gathered here (every method runs on the loop) and made into a
    /// record once, when the exchange ends, if the access log is on.
    private var logged = RequestRecord.Fields()
    /// Who was admitted, for the access log (written when the exchange ends).
    private var caller: CallerIdentity?

    private var phase = Phase.receiving
    private var body: ByteBuffer?
    private(set) var requestEnded = false
    private var pool: ModelPool?
    private var meter: RequestMeter?
    private var instance: ModelPool.Instance?
    /// Instances that could not be connected to (filled only on a retry: no allocation for the
    /// usual request).
    private var tried: Set<Int> = []
    private var connectFailed = false
    private var upstream: UpstreamConnectionHandler?
    private var sendsBody = false
    // Set from the request's start (one clock read per exchange, not one per property).
    private var sentAt: ContinuousClock.Instant
    private var deadline: ContinuousClock.Instant
    private var headDeadline: ContinuousClock.Instant
    private var lastActivity: ContinuousClock.Instant
    private var status = 0
    private var isEventStream = false
    private var observer: RelayObserver?
    /// The last piece of the body queued for the client and when it came, observed (bytes,
    /// timing, token usage) once it has been handed on: scanning a whole answer for its usage
    /// before sending it would delay the answer.
    private var unobserved: (chunk: ByteBuffer, at: ContinuousClock.Instant)?
    private var clientFraming = ClientFraming.length
    /// Response bytes not yet handed to the client connection: written at the end of each read
    /// from the instance, so a small response is one write.
    private var outgoing: ByteBuffer?
    private var closeAfterResponse = false
    /// The instance whose head came, and when (kept after the instance is released).
    private var answered: (instance: ModelPool.Instance, at: ContinuousClock.Instant)?
    /// The instance's head has come; ``headBookkeeping()`` has not yet run.
    private var headBookkeepingDue = false

    private enum ClientFraming {
        case length, chunked, untilClose
    }

    /// Chunks up to this size are copied into the pending write; larger ones are written as
    /// they are.
    private static let copyLimit = 8 * 1024

    init(
        head: ClientHead, route: ResolvedTarget, forwarder: OpenAIForwarder, handler: any ExchangeHost,
        eventLoop: any EventLoop, client: String?
    ) {
        self.head = head
        self.route = route
        self.forwarder = forwarder
        self.handler = handler
        self.eventLoop = eventLoop
        self.client = client
        startedAt = .now
        sentAt = startedAt
        deadline = startedAt
        headDeadline = startedAt
        lastActivity = startedAt
    }

    var isFinished: Bool { phase == .done }

    private var logger: Logger {
        var logger = forwarder.logger
        logger[metadataKey: "requestId"] = .string(requestID)
        return logger
    }

    // MARK: The request

    func start() {
        if let declared = head.declaredLength, declared > route.bodyLimit {
            respond(.bodyTooLarge(limit: route.bodyLimit), closeConnection: true)
        } else if head.expectsContinue {
            // curl asks before sending a large body and would otherwise wait a second.
            handler.write(ByteBuffer(staticString: "HTTP/1.1 100 Continue\r\n\r\n"))
            handler.flush()
        }
    }

    func receive(_ part: HTTPServerRequestPart) {
        switch part {
        case .head:
            break
        case .body(let chunk):
            guard phase == .receiving else { return }
            if body == nil {
                body = chunk
            } else {
                body!.writeImmutableBuffer(chunk)
            }
            if body!.readableBytes > route.bodyLimit {
                respond(.bodyTooLarge(limit: route.bodyLimit), closeConnection: true)
            }
        case .end:
            requestEnded = true
            guard phase == .receiving else { return }
            logged.bytesIn = body?.readableBytes ?? 0
            admit()
        }
    }

    // MARK: Admission

    private func admit() {
        let now = Date()
        let guardian = forwarder.runtimeGuard
        if let memo = handler.admissionMemo {
            if head.hasSoleAuthorization(memo.authorization),
                let caller = guardian.readmit(memo, endpoint: route.path.endpoint, component: route.path.component, now: now)
            {
                admitted(caller)
                return
            }
            handler.admissionMemo = nil
        }
        let request = head.authenticationRequest(body: body ?? ByteBuffer())
        let authenticator = guardian.authenticator
        // Read before the credential is: a write in between makes the memo of this admission
        // stale at once, never a stale memo current.
        let generation = authenticator.store.credentialGeneration
        if let result = authenticator.authenticateFromMemory(request, service: "sagemaker", now: now) {
            authenticated(result, now: now, generation: generation)
            return
        }
        // The key is not in memory: ask the store off the loop, then carry on here.
        phase = .admitting
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        let eventLoop = self.eventLoop
        Task {
            let result: Result<CallerIdentity, AuthenticationError>
            do throws(AuthenticationError) {
                result = .success(try await authenticator.authenticate(request, service: "sagemaker", now: now))
            } catch {
                result = .failure(error)
            }
            eventLoop.execute { loopBound.value.authenticated(result, now: now, generation: generation) }
        }
    }

    /// `generation`: the store's credential generation read before authentication began.
    private func authenticated(
        _ result: Result<CallerIdentity, AuthenticationError>, now: Date, generation: UInt64?
    ) {
        guard phase == .receiving || phase == .admitting else { return }
        let guardian = forwarder.runtimeGuard
        let caller: CallerIdentity
        switch result {
        case .success(let identity): caller = identity
        case .failure(let error):
            respond(guardian.rejection(error, logger: logger, client: client))
            return
        }
        let endpoint = route.endpointName
        let component = route.componentName
        let decidedByPoliciesAlone: Bool
        do {
            decidedByPoliciesAlone = try guardian.authorize(
                caller, endpoint: endpoint, component: component, now: now, logger: logger, client: client)
        } catch {
            respond(error)
            return
        }
        if decidedByPoliciesAlone {
            handler.admissionMemo = AdmissionMemo(
                authorization: head.soleAuthorizationBytes, endpoint: endpoint, component: component, caller: caller,
                generation: generation)
        }
        admitted(caller)
    }

    /// The caller may make this call: on to the model.
    private func admitted(_ caller: CallerIdentity) {
        self.caller = caller
        let pool: ModelPool
        switch route.model {
        case .success(let found): pool = found
        case .failure(let error):
            respond(error)
            return
        }
        self.pool = pool
        prepareUpstreamRequest(pool)
    }

    private func prepareUpstreamRequest(_ pool: ModelPool) {
        let hasJSONBody: Bool
        switch route.decision {
        case .notFound:
            respond(.pathNotFound(rawPath))
            return
        case .methodNotAllowed(let allowed):
            respond(.methodNotAllowed(head.method.rawValue, allowed: allowed))
            return
        case .forward(let jsonBody):
            hasJSONBody = jsonBody
        }
        let payload = body ?? ByteBuffer()
        if hasJSONBody {
            do {
                _ = try payload.withUnsafeReadableBytes { try JSONProbe.inspect($0) }
            } catch let error as JSONProbe.SyntaxError {
                respond(.malformedJSON(error.description))
                return
            } catch {
                respond(.malformedJSON("\(error)"))
                return
            }
        }
        sendsBody = hasJSONBody || payload.readableBytes > 0
        deadline = startedAt + pool.settings.timeouts.total
        tryNextInstance()
    }

    // MARK: Choosing an instance

    /// A connection that cannot be opened is tried on another instance; once the request may
    /// have reached an instance it is never resent, since model calls are not idempotent in cost.
    private func tryNextInstance() {
        guard let pool else { return }
        guard let instance = pool.acquire(excluding: tried) else {
            respond(connectFailed ? .instanceUnreachable(pool.target) : .noHealthyInstance(pool.target))
            return
        }
        self.instance = instance
        let now = ContinuousClock.now
        headDeadline = min(now + pool.settings.timeouts.firstByte, deadline)
        // No later than the first idle check, so this call also covers the start of the relay;
        // being called early only makes the exchange ask again. After the request has gone:
        // the timer is bookkeeping the instance need not wait for.
        defer { handler.wake(at: min(headDeadline, now + pool.settings.timeouts.idle)) }
        let request = upstreamRequest(instance)
        if let connection = forwarder.connections.takeIdle(instance, on: eventLoop) {
            send(request, on: connection, at: now)
            return
        }
        phase = .connecting
        forwarder.connections.connect(instance.url, on: eventLoop, timeout: pool.settings.timeouts.connect)
            .assumeIsolated()
            .whenComplete { result in
                guard self.phase == .connecting, self.instance == instance else {
                    if case .success(let channel) = result { channel.close(promise: nil) }
                    return
                }
                switch result {
                case .success(let channel):
                    guard let connection = try? channel.pipeline.syncOperations.handler(type: UpstreamConnectionHandler.self)
                    else {
                        channel.close(promise: nil)
                        self.connectionFailed(instance, error: ChannelError.inappropriateOperationForState)
                        return
                    }
                    self.send(request, on: connection, at: .now)
                case .failure(let error):
                    self.connectionFailed(instance, error: error)
                }
            }
    }

    private func connectionFailed(_ instance: ModelPool.Instance, error: any Error) {
        guard let pool else { return }
        pool.release(instance)
        self.instance = nil
        tried.insert(instance.index)
        pool.connectFailed(instance, error: error, logger: logger)
        connectFailed = true
        tryNextInstance()
    }

    /// The request for one instance: the head with the instance's path prefix and `Host`, the
    /// client's headers less those not forwarded, and the body; a small body shares the head's
    /// buffer.
    private func upstreamRequest(_ instance: ModelPool.Instance) -> (ByteBuffer, ByteBuffer?) {
        let payload = sendsBody ? body ?? ByteBuffer() : nil
        let bodyBytes = payload?.readableBytes ?? 0
        let copiesBody = bodyBytes <= Self.copyLimit
        // Sized once (a bearer token alone is about a kilobyte): growing would copy it.
        let capacity =
            head.headerBytesHint + instance.url.pathPrefix.utf8.count + route.instancePath.utf8.count
            + instance.url.authority.utf8.count + 64 + (copiesBody ? bodyBytes : 0)
        var request = buffer(for: .instanceRequest, capacity: capacity)
        HTTP1Writer.writeRequestLine(
            method: head.method, pathPrefix: instance.url.pathPrefix, path: route.instancePath,
            host: instance.url.authority, into: &request)
        head.writeForwardedHeaderLines(into: &request)
        if let payload { HTTP1Writer.writeContentLength(payload.readableBytes, into: &request) }
        request.writeStaticString("\r\n")
        guard let payload else { return (request, nil) }
        if copiesBody {
            request.writeImmutableBuffer(payload)
            return (request, nil)
        }
        return (request, payload)
    }

    private func send(
        _ request: (head: ByteBuffer, body: ByteBuffer?), on connection: UpstreamConnectionHandler,
        at now: ContinuousClock.Instant
    ) {
        phase = .awaitingHead
        upstream = connection
        connection.receiver = self
        sentAt = now
        connection.send(request.head, body: request.body)
        handler.spares?.giveBack(request.head, from: .instanceRequest)
        // Bookkeeping the instance need not wait for, done while it works.
        startMeter()
        _ = requestID
    }

    /// The request's meter, started once the request has gone to the instance, or when it is
    /// answered or abandoned before that: the counters it touches lie in memory gone cold while
    /// the loop idled, and the instance need not wait for them. Nil until a model is chosen.
    @discardableResult
    private func startMeter() -> RequestMeter? {
        if meter == nil, pool != nil {
            meter = RequestMeter(metrics: route.metrics, start: startedAt)
        }
        return meter
    }

    private func buffer(for use: LoopSpares.BufferUse, capacity: Int) -> ByteBuffer {
        guard let spares = handler.spares else { return handler.allocator.buffer(capacity: capacity) }
        return spares.buffer(for: use, capacity: capacity, allocator: handler.allocator)
    }

    // MARK: The instance's answer

    func upstreamHead(_ responseHead: UpstreamResponseHead) {
        guard phase == .awaitingHead, let instance else { return }
        phase = .relaying
        status = responseHead.status
        isEventStream = responseHead.isEventStream
        let now = ContinuousClock.now
        lastActivity = now
        logged.status = status
        answered = (instance, now)
        headBookkeepingDue = true

        // Room for a small body too: it is queued behind the head and written with it.
        let smallBody = if case .length(let length) = responseHead.bodyFraming, length <= Self.copyLimit { length } else { 0 }
        var bytes = buffer(for: .clientResponse, capacity: responseHead.bytes.readableBytes + 128 + smallBody)
        bytes.writeStaticString("HTTP/1.1 ")
        _ = responseHead.withBytes(responseHead.statusText) { bytes.writeBytes($0) }
        bytes.writeStaticString("\r\n")
        HeaderForwarding.writeResponseHeaderLines(responseHead, into: &bytes)
        closeAfterResponse = clientAskedToClose
        switch responseHead.bodyFraming {
        case .none:
            clientFraming = .length
        case .length(let length) where !isEventStream:
            clientFraming = .length
            HTTP1Writer.writeContentLength(length, into: &bytes)
        default:
            // A stream is sent as it comes (never with a length); an HTTP/1.0 client cannot take
            // chunks and reads to the end of the connection.
            if head.version.major == 1, head.version.minor >= 1 {
                clientFraming = .chunked
                bytes.writeStaticString("transfer-encoding: chunked\r\n")
            } else {
                clientFraming = .untilClose
                closeAfterResponse = true
            }
        }
        if closeAfterResponse { bytes.writeStaticString("connection: close\r\n") }
        HTTP1Writer.writeHeader(Self.requestIDHeader, requestID, into: &bytes)
        bytes.writeStaticString("\r\n")
        outgoing = bytes
        observer = RelayObserver(metrics: meter?.metrics, start: startedAt)
    }

    /// What the head's arrival leaves to do once the client has been written to: the instance's
    /// counter and the timer moved on to the idle timeout. Their memory is cold after idling,
    /// and the client need not wait for them.
    private func headBookkeeping() {
        guard headBookkeepingDue, let instance = answered?.instance else { return }
        headBookkeepingDue = false
        meter?.metrics?.perInstance[instance.index].increment()
        if phase == .relaying, let pool { handler.wake(at: min(deadline, lastActivity + pool.settings.timeouts.idle)) }
    }

    func upstreamBody(_ chunk: ByteBuffer) {
        guard phase == .relaying, chunk.readableBytes > 0 else { return }
        let now = ContinuousClock.now
        lastActivity = now
        observeQueuedChunk()  // an earlier piece from the same read
        writeBody(chunk)
        unobserved = (chunk, now)
    }

    private func observeQueuedChunk() {
        guard let (chunk, at) = unobserved else { return }
        unobserved = nil
        observer?.chunkWritten(chunk, at: at)
    }

    /// Frames a piece of the body for the client and queues it; a large piece is written as it
    /// is, after what was queued.
    private func writeBody(_ chunk: ByteBuffer) {
        let chunked = clientFraming == .chunked
        if chunked { queue { HTTP1Writer.writeChunkSize(chunk.readableBytes, into: &$0) } }
        if chunk.readableBytes <= Self.copyLimit {
            queue { $0.writeImmutableBuffer(chunk) }
        } else {
            writeQueued()
            handler.write(chunk)
        }
        if chunked { queue { $0.writeStaticString("\r\n") } }
    }

    /// Appends to the bytes waiting for the client, in place (a copy of the buffer would be
    /// copied on every write).
    private func queue(_ write: (inout ByteBuffer) -> Void) {
        if outgoing == nil { outgoing = buffer(for: .clientResponse, capacity: 256) }
        write(&outgoing!)
    }

    private func writeQueued() {
        if let bytes = outgoing {
            outgoing = nil
            handler.write(bytes)
            handler.spares?.giveBack(bytes, from: .clientResponse)
        }
    }

    /// Hands the queued bytes to the client connection and flushes.
    private func writeOutgoing() {
        if let bytes = outgoing {
            outgoing = nil
            handler.writeAndFlush(bytes)
            handler.spares?.giveBack(bytes, from: .clientResponse)
        } else {
            handler.flush()
        }
        headBookkeeping()
        observeQueuedChunk()
    }

    func upstreamReadComplete() {
        if phase == .relaying { writeOutgoing() }
    }

    func upstreamEnd(reusable: Bool) {
        guard phase == .relaying else { return }
        // The client's answer first: the instance connection's bookkeeping can wait.
        if clientFraming == .chunked { queue { HTTP1Writer.writeLastChunk(into: &$0) } }
        writeOutgoing()
        // A client that went away during that write has ended the exchange (and closed this
        // instance connection).
        guard phase == .relaying else { return }
        if let connection = upstream, let instance, let pool {
            if reusable {
                forwarder.connections.putBack(connection, instance)
            } else {
                forwarder.connections.retire(connection, instance.url, connectTimeout: pool.settings.timeouts.connect)
            }
        }
        upstream = nil
        completeRelay(failure: nil)
    }

    func upstreamBroken(_ error: (any Error)?) {
        upstream = nil
        switch phase {
        case .awaitingHead:
            if let pool, let instance {
                logger.warning(
                    "instance request failed",
                    metadata: [
                        "target": "\(pool.target)", "instance": "\(instance.url)",
                        "error": "\(error.map { "\($0)" } ?? "connection closed before the response")",
                    ])
                respond(.instanceUnreachable(pool.target))
            }
        case .relaying:
            endEarly(.upstreamBroken(error.map { "\($0)" } ?? "connection closed before the response ended"))
        default:
            break
        }
    }

    // MARK: The client

    func clientWritabilityChanged(_ writable: Bool) {
        // Backpressure: a slow reader stops Gangway reading from the instance.
        upstream?.setAutoRead(writable)
    }

    /// The client went away: the instance's work stops at once (its connection is closed).
    func clientClosed() {
        switch phase {
        case .done:
            return
        case .receiving, .admitting:
            phase = .done
        case .connecting, .awaitingHead, .relaying:
            upstream?.close()
            upstream = nil
            logged.error = "client disconnected"
            observeQueuedChunk()
            observer?.report(into: &logged, metrics: meter?.metrics)
            startMeter()?.finish(
                status: status, modelLatency: phase == .relaying ? ContinuousClock.now - sentAt : nil, modelFailed: false)
            releaseInstance()
            finish(closeConnection: true)
        }
    }

    // MARK: Endings

    /// The relay ended after the head was sent: a stream gets an error event (OpenAI clients
    /// raise it as an APIError); any other body cannot be completed, so the connection closes.
    private func endEarly(_ failure: RelayFailure) {
        guard phase == .relaying else { return }
        observeQueuedChunk()
        upstream?.close()
        upstream = nil
        logged.error = failure.code
        logger.warning(
            "relay ended early",
            metadata: [
                "target": "\(pool?.target ?? "-")", "reason": "\(failure)", "bytes": "\(observer?.bytes ?? 0)",
            ])
        if isEventStream {
            let event = GatewayError(
                status: .gatewayTimeout, type: "upstream_error", code: failure.code, message: failure.publicMessage)
            var buffer = ByteBuffer(string: "data: ")
            buffer.writeBytes(event.openAIEnvelope())
            buffer.writeString("\n\n")
            writeBody(buffer)
            if clientFraming == .chunked { queue { HTTP1Writer.writeLastChunk(into: &$0) } }
        }
        writeOutgoing()
        completeRelay(failure: failure)
    }

    private func completeRelay(failure: RelayFailure?) {
        observeQueuedChunk()
        observer?.report(into: &logged, metrics: meter?.metrics)
        let now = ContinuousClock.now
        startMeter()?.finish(
            status: status, modelLatency: now - sentAt, modelFailed: status >= 400 || failure != nil, at: now)
        releaseInstance()
        // A body cut short can only be told by closing, unless it is chunked or a stream that
        // carries the error as an event.
        let cutShort = failure != nil && !(isEventStream && clientFraming == .chunked)
        finish(closeConnection: cutShort || closeAfterResponse)
    }

    /// Answers with Gangway's own error (nothing has been sent yet).
    private func respond(_ error: GatewayError, closeConnection: Bool = false) {
        guard phase != .relaying, phase != .done else { return }
        upstream?.close()
        upstream = nil
        let code = Int(error.status.code)
        let envelope = error.openAIEnvelope()
        logged.status = code
        logged.bytesOut = envelope.count
        startMeter()?.finish(status: code, modelLatency: nil, modelFailed: [502, 504].contains(code))
        releaseInstance()
        let closes = closeConnection || clientAskedToClose
        var bytes = handler.allocator.buffer(capacity: 256 + envelope.count)
        HTTP1Writer.writeStatusLine(code: code, reason: error.status.reasonPhrase, into: &bytes)
        for field in error.headers where field.name != .contentType {
            HTTP1Writer.writeHeader(field.name.rawName, field.value, into: &bytes)
        }
        bytes.writeStaticString("content-type: application/json\r\n")
        HTTP1Writer.writeContentLength(envelope.count, into: &bytes)
        HTTP1Writer.writeHeader(Self.requestIDHeader, requestID, into: &bytes)
        if closes { bytes.writeStaticString("connection: close\r\n") }
        bytes.writeStaticString("\r\n")
        bytes.writeBytes(envelope)
        handler.writeAndFlush(bytes)
        finish(closeConnection: closes)
    }

    /// `Connection: close`, or an HTTP/1.0 request without `keep-alive`.
    private var clientAskedToClose: Bool { !head.isKeepAlive }

    private static let requestIDHeader = ObservabilityMiddleware.requestIDHeader.rawName

    /// The request's path without its query, as sent.
    private var rawPath: String { AuthenticationRequest.path(of: head.uri) }

    private func releaseInstance() {
        if let instance, let pool { pool.release(instance) }
        instance = nil
    }

    /// Runs once per exchange (every caller checks the phase first).
    private func finish(closeConnection: Bool) {
        assert(phase != .done, "an exchange finished twice")
        headBookkeeping()
        phase = .done
        if forwarder.accessLog.isEnabled { writeAccessLog() }
        handler.exchangeEnded(self, closeConnection: closeConnection)
    }

    private func writeAccessLog() {
        // Filled in here, not as each became known: the instance need not wait for them.
        logged.endpoint = route.endpointName
        logged.component = route.componentName
        if let answered {
            logged.instance = answered.instance.url.description
            logged.timeToFirstByte = answered.at - startedAt
        }
        if let caller {
            logged.principalARN = caller.user.arn
            logged.accessKeyID = caller.accessKeyID
        }
        let record = RequestRecord(requestID: requestID, start: startedAt, fields: logged)
        forwarder.accessLog.write(record, method: head.method.rawValue, path: rawPath, client: client, end: .now)
    }

    // MARK: Timeouts

    /// The connection's timer (``OpenAIChannelHandler/wake(at:)``) fired, no later than this
    /// exchange asked, perhaps earlier or for an earlier exchange: answer whatever timeout is
    /// due, else ask again for the next.
    func checkTimeouts() {
        guard let pool else { return }
        let now = ContinuousClock.now
        switch phase {
        case .connecting, .awaitingHead:
            if now >= headDeadline {
                respond(.instanceTimeout(pool.target, phase: now >= deadline ? "total timeout" : "time to first byte"))
            } else {
                handler.wake(at: headDeadline)
            }
        case .relaying:
            let idleDue = lastActivity + pool.settings.timeouts.idle
            if now >= deadline {
                endEarly(.totalTimeout)
            } else if now >= idleDue {
                endEarly(.idleTimeout)
            } else {
                handler.wake(at: min(deadline, idleDue))
            }
        case .receiving, .admitting, .done:
            break
        }
    }
}
