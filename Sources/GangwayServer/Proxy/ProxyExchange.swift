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

    private let head: HTTPRequestHead
    private let target: OpenAIPath
    private let resolved: Result<ModelPool, GatewayError>
    private let forwarder: OpenAIForwarder
    private let handler: OpenAIChannelHandler
    private let eventLoop: any EventLoop
    private let client: String?
    private let record: RequestRecord
    private let bodyLimit: Int

    private var phase = Phase.receiving
    private var body: ByteBuffer?
    private(set) var requestEnded = false
    private var pool: ModelPool?
    private var meter: RequestMeter?
    private var instance: ModelPool.Instance?
    private var tried: Set<Int> = []
    private var connectFailed = false
    private var upstream: UpstreamConnectionHandler?
    private var upstreamHead: HTTPRequestHead?
    private var sendsBody = false
    private var sentAt = ContinuousClock.now
    private var deadline = ContinuousClock.now
    private var headDeadline = ContinuousClock.now
    private var lastActivity = ContinuousClock.now
    private var status = 0
    private var isEventStream = false
    private var upstreamKeepAlive = false
    private var observer: RelayObserver?

    init(
        head: HTTPRequestHead, target: OpenAIPath, resolved: Result<ModelPool, GatewayError>, forwarder: OpenAIForwarder,
        handler: OpenAIChannelHandler, eventLoop: any EventLoop, client: String?
    ) {
        self.head = head
        self.target = target
        self.resolved = resolved
        self.forwarder = forwarder
        self.handler = handler
        self.eventLoop = eventLoop
        self.client = client
        self.record = RequestRecord(requestID: RequestID.make())
        self.bodyLimit = (try? resolved.get())?.settings.maxBodyBytes ?? forwarder.defaultMaxBodyBytes
        record.update {
            $0.endpoint = String(target.endpoint)
            $0.component = target.component.map(String.init)
        }
    }

    var isFinished: Bool { phase == .done }

    private var logger: Logger {
        var logger = forwarder.logger
        logger[metadataKey: "requestId"] = .string(record.requestID)
        return logger
    }

    // MARK: The request

    func start() {
        if let declared = head.headers.first(name: "content-length").flatMap({ Int($0) }), declared > bodyLimit {
            respond(.bodyTooLarge(limit: bodyLimit), closeConnection: true)
        } else if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
            // curl asks before sending a large body and would otherwise wait a second.
            handler.send(.head(HTTPResponseHead(version: .http1_1, status: .continue)))
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
            if body!.readableBytes > bodyLimit {
                respond(.bodyTooLarge(limit: bodyLimit), closeConnection: true)
            }
        case .end:
            requestEnded = true
            guard phase == .receiving else { return }
            record.update { $0.bytesIn = body?.readableBytes ?? 0 }
            admit()
        }
    }

    // MARK: Admission

    private func admit() {
        let request = AuthenticationRequest(
            method: head.method.rawValue, rawPath: rawPath, rawQuery: target.query.map(String.init) ?? "",
            headers: head.headers, body: body ?? ByteBuffer())
        let now = Date()
        let authenticator = forwarder.runtimeGuard.authenticator
        if let result = authenticator.authenticateFromMemory(request, service: "sagemaker", now: now) {
            authenticated(result, now: now)
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
            eventLoop.execute { loopBound.value.authenticated(result, now: now) }
        }
    }

    private func authenticated(_ result: Result<CallerIdentity, AuthenticationError>, now: Date) {
        guard phase == .receiving || phase == .admitting else { return }
        let guardian = forwarder.runtimeGuard
        let caller: CallerIdentity
        switch result {
        case .success(let identity): caller = identity
        case .failure(let error):
            respond(guardian.rejection(error, logger: logger, client: client))
            return
        }
        do {
            try guardian.authorize(
                caller, endpoint: String(target.endpoint), component: target.component.map(String.init), now: now,
                logger: logger, client: client)
        } catch {
            respond(error)
            return
        }
        record.update {
            $0.principalARN = caller.user.arn
            $0.accessKeyID = caller.accessKeyID
        }
        let pool: ModelPool
        switch resolved {
        case .success(let found): pool = found
        case .failure(let error):
            respond(error)
            return
        }
        self.pool = pool
        meter = RequestMeter(metrics: forwarder.metrics.pool(pool), start: record.start)
        prepareUpstreamRequest(pool)
    }

    private func prepareUpstreamRequest(_ pool: ModelPool) {
        let hasJSONBody: Bool
        switch OpenAIRoute.classify(method: head.method.rawValue, subpath: target.subpath) {
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
        var headers = HeaderForwarding.requestHeaders(head.headers)
        sendsBody = hasJSONBody || payload.readableBytes > 0
        if sendsBody {
            headers.add(name: "content-length", value: String(payload.readableBytes))
        }
        // Relative to an instance's base URL; each attempt adds the instance's prefix and Host.
        upstreamHead = HTTPRequestHead(
            version: .http1_1, method: head.method, uri: target.instancePath,
            headers: headers)
        deadline = record.start + pool.settings.timeouts.total
        tryNextInstance()
    }

    // MARK: Choosing an instance

    /// A connection that cannot be opened is tried on another instance; once the request may
    /// have reached an instance it is never resent, since model calls are not idempotent in cost.
    private func tryNextInstance() {
        guard let pool, let template = upstreamHead else { return }
        guard let instance = pool.acquire(excluding: tried) else {
            respond(connectFailed ? .instanceUnreachable(pool.target) : .noHealthyInstance(pool.target))
            return
        }
        tried.insert(instance.index)
        self.instance = instance
        let url = instance.url
        var requestHead = template
        requestHead.uri = url.pathPrefix + template.uri
        requestHead.headers.add(name: "host", value: url.authority)
        let now = ContinuousClock.now
        headDeadline = min(now + pool.settings.timeouts.firstByte, deadline)
        // No later than the first idle check, so this call also covers the start of the relay;
        // being called early only makes the exchange ask again.
        handler.wake(at: min(headDeadline, now + pool.settings.timeouts.idle))
        if let connection = forwarder.connections.takeIdle(url, on: eventLoop) {
            send(requestHead, on: connection)
            return
        }
        phase = .connecting
        forwarder.connections.connect(url, on: eventLoop, timeout: pool.settings.timeouts.connect)
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
                    self.send(requestHead, on: connection)
                case .failure(let error):
                    self.connectionFailed(instance, error: error)
                }
            }
    }

    private func connectionFailed(_ instance: ModelPool.Instance, error: any Error) {
        guard let pool else { return }
        pool.release(instance)
        self.instance = nil
        pool.connectFailed(instance, error: error, logger: logger)
        connectFailed = true
        tryNextInstance()
    }

    private func send(_ requestHead: HTTPRequestHead, on connection: UpstreamConnectionHandler) {
        phase = .awaitingHead
        upstream = connection
        connection.receiver = self
        sentAt = .now
        connection.send(requestHead, body: sendsBody ? body ?? ByteBuffer() : nil)
    }

    // MARK: The instance's answer

    func upstreamHead(_ responseHead: HTTPResponseHead) {
        guard phase == .awaitingHead, let instance else { return }
        phase = .relaying
        status = Int(responseHead.status.code)
        upstreamKeepAlive = responseHead.isKeepAlive
        let now = ContinuousClock.now
        lastActivity = now
        let status = self.status
        let start = record.start
        record.update {
            $0.instance = instance.url.description
            $0.status = status
            $0.timeToFirstByte = now - start
        }
        meter?.metrics?.perInstance[instance.index].increment()
        isEventStream = responseHead.headers.first(name: "content-type").map(Self.isEventStream) ?? false
        var headers = HeaderForwarding.responseHeaders(responseHead.headers)
        if !isEventStream, let length = responseHead.headers.first(name: "content-length") {
            headers.add(name: "content-length", value: length)
        }
        headers.add(name: Self.requestIDHeader, value: record.requestID)
        handler.send(.head(HTTPResponseHead(version: .http1_1, status: responseHead.status, headers: headers)))
        observer = RelayObserver(metrics: meter?.metrics, start: record.start)
        if let pool { handler.wake(at: min(deadline, now + pool.settings.timeouts.idle)) }
    }

    func upstreamBody(_ chunk: ByteBuffer) {
        guard phase == .relaying else { return }
        lastActivity = .now
        handler.send(.body(.byteBuffer(chunk)))
        observer?.chunkWritten(chunk)
    }

    func upstreamReadComplete() {
        if phase == .relaying { handler.flush() }
    }

    func upstreamEnd() {
        guard phase == .relaying else { return }
        if let connection = upstream, let instance, let pool {
            if upstreamKeepAlive {
                forwarder.connections.putBack(connection, instance.url)
            } else {
                forwarder.connections.retire(connection, instance.url, connectTimeout: pool.settings.timeouts.connect)
            }
        }
        upstream = nil
        handler.send(.end(nil))
        handler.flush()
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
            record.update { $0.error = "client disconnected" }
            observer?.report(to: record, metrics: meter?.metrics)
            meter?.finish(
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
        upstream?.close()
        upstream = nil
        record.update { $0.error = failure.code }
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
            handler.send(.body(.byteBuffer(buffer)))
            handler.send(.end(nil))
            handler.flush()
        }
        completeRelay(failure: failure)
    }

    private func completeRelay(failure: RelayFailure?) {
        observer?.report(to: record, metrics: meter?.metrics)
        meter?.finish(
            status: status, modelLatency: ContinuousClock.now - sentAt, modelFailed: status >= 400 || failure != nil)
        releaseInstance()
        finish(closeConnection: (failure != nil && !isEventStream) || clientAskedToClose)
    }

    /// Answers with Gangway's own error (nothing has been sent yet).
    private func respond(_ error: GatewayError, closeConnection: Bool = false) {
        guard phase != .relaying, phase != .done else { return }
        upstream?.close()
        upstream = nil
        let code = Int(error.status.code)
        let envelope = error.openAIEnvelope()
        record.update {
            $0.status = code
            $0.bytesOut = envelope.count
        }
        meter?.finish(status: code, modelLatency: nil, modelFailed: [502, 504].contains(code))
        releaseInstance()
        var headers = HTTPHeaders()
        for field in error.headers where field.name != .contentType {
            headers.add(name: field.name.rawName, value: field.value)
        }
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(envelope.count))
        headers.add(name: Self.requestIDHeader, value: record.requestID)
        if closeConnection { headers.add(name: "connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: code, reasonPhrase: error.status.reasonPhrase)
        handler.send(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)))
        handler.send(.body(.byteBuffer(ByteBuffer(bytes: envelope))))
        handler.send(.end(nil))
        handler.flush()
        finish(closeConnection: closeConnection || clientAskedToClose)
    }

    /// `Connection: close`, or an HTTP/1.0 request without `keep-alive`.
    private var clientAskedToClose: Bool { !head.isKeepAlive }

    private static let requestIDHeader = ObservabilityMiddleware.requestIDHeader.rawName

    /// The request's path without its query, as sent.
    private var rawPath: String {
        let uri = head.uri.utf8
        return String(head.uri[..<(uri.firstIndex(of: UInt8(ascii: "?")) ?? uri.endIndex)])
    }

    /// `text/event-stream`, in any letter case, with or without parameters.
    static func isEventStream(_ contentType: String) -> Bool {
        let expected = "text/event-stream".utf8
        var actual = contentType.utf8.makeIterator()
        for byte in expected {
            guard let next = actual.next() else { return false }
            let lowered = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(next) ? next + 32 : next
            guard lowered == byte else { return false }
        }
        return true
    }

    private func releaseInstance() {
        if let instance, let pool { pool.release(instance) }
        instance = nil
    }

    private func finish(closeConnection: Bool) {
        phase = .done
        forwarder.accessLog.write(record, method: head.method.rawValue, path: rawPath, client: client, end: .now)
        handler.exchangeEnded(self, closeConnection: closeConnection)
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
