import AsyncHTTPClient
import GangwayCore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Forwards `/openai/v1/...` requests to an instance of the addressed model and relays the
/// answer back, bodies byte for byte.
struct OpenAIProxy: Sendable {
    let registry: LiveRegistry
    let clients: UpstreamClients
    let runtimeGuard: RuntimeGuard
    let metrics: GatewayMetrics
    let defaultMaxBodyBytes: Int

    func handle(_ request: Request, context: GangwayRequestContext) async throws -> Response {
        let endpointName = context.parameters.get("endpoint") ?? ""
        let componentName = context.parameters.get("component")
        let subpath = context.parameters.getCatchAll()
        // Resolved now for its body limit; an unknown name is reported only after the caller
        // proved who they are and may invoke it, so strangers learn nothing about endpoints.
        let resolved = Result { () throws(GatewayError) in
            try registry.current.pool(endpoint: endpointName[...], component: componentName?[...])
        }
        let record = context.record
        record?.update {
            $0.endpoint = endpointName
            $0.component = componentName
        }

        var request = request
        let limit = (try? resolved.get())?.settings.maxBodyBytes ?? defaultMaxBodyBytes
        let body: ByteBuffer
        do {
            body = try await BodyLimit.collect(&request, limit: limit)
        } catch let exceeded as BodyLimit.Exceeded {
            throw GatewayError.bodyTooLarge(limit: exceeded.limit)
        }
        record?.update { $0.bytesIn = body.readableBytes }

        let caller = try await runtimeGuard.admit(
            request, body: body, endpoint: endpointName, component: componentName, context: context)
        record?.update {
            $0.principalARN = caller.user.arn
            $0.accessKeyID = caller.accessKeyID
        }
        let pool = try resolved.get()
        let meter = RequestMeter(metrics: metrics.pool(pool), start: record?.start ?? .now)
        do {
            return try await forward(request, body: body, subpath: subpath, pool: pool, meter: meter, context: context)
        } catch let error as GatewayError {
            meter.finish(
                status: Int(error.status.code), modelLatency: nil,
                modelFailed: [502, 504].contains(Int(error.status.code)))
            throw error
        }
    }

    private func forward(
        _ request: Request, body: ByteBuffer, subpath: [Substring], pool: ModelPool, meter: RequestMeter,
        context: GangwayRequestContext
    ) async throws -> Response {
        let decision = OpenAIRoute.classify(method: request.method.rawValue, subpath: subpath)
        let hasJSONBody: Bool
        switch decision {
        case .notFound:
            throw GatewayError.pathNotFound(request.uri.path)
        case .methodNotAllowed(let allowed):
            throw GatewayError.methodNotAllowed(request.method.rawValue, allowed: allowed)
        case .forward(let jsonBody):
            hasJSONBody = jsonBody
        }
        var wantsStream = false
        if hasJSONBody {
            do {
                wantsStream = try body.withUnsafeReadableBytes { try JSONProbe.inspect($0) }.stream
            } catch let error as JSONProbe.SyntaxError {
                throw GatewayError.malformedJSON(error.description)
            }
        }

        var path = "/v1/" + subpath.joined(separator: "/")
        if let query = request.uri.query, !query.isEmpty { path += "?" + query }
        let forwarded = ForwardedRequest(
            method: request.method, path: path, headers: request.headers,
            body: hasJSONBody || body.readableBytes > 0 ? body : nil)
        let sentAt = ContinuousClock.now
        let deadline = (context.record?.start ?? sentAt) + pool.settings.timeouts.total
        let exchange = try await clients.send(forwarded, to: pool, deadline: deadline, logger: context.logger)
        let status = Int(exchange.response.status.code)
        let record = context.record
        record?.update {
            $0.instance = exchange.lease.instance.url.description
            $0.status = status
            $0.timeToFirstByte = ContinuousClock.now - (record?.start ?? sentAt)
        }
        meter.metrics?.perInstance[exchange.lease.instance.index].increment()

        let isEventStream =
            exchange.response.headers.first(name: "content-type")?.lowercased().hasPrefix("text/event-stream") ?? false
        let responseHeaders = HeaderForwarding.responseHeaders(exchange.response.headers)
        let contentLength = isEventStream ? nil : exchange.response.headers.first(name: "content-length").flatMap(Int.init)
        let idle = pool.settings.timeouts.idle
        let logger = context.logger
        let upstreamBody = exchange.response.body
        let lease = exchange.lease
        let originalRequest = request
        let streamRequested = wantsStream
        let bodyWriter = ResponseBody(contentLength: contentLength) { writer in
            defer { lease.release() }
            var observer = RelayObserver(metrics: meter.metrics, start: record?.start ?? sentAt)
            let outcome: RelayOutcome
            do {
                if let length = contentLength, length <= ResponseRelay.directRelayLimit {
                    // A small answer of known length (the usual non-streamed completion): relayed
                    // in this task, without a watchdog; the client's read backstop bounds a stall.
                    outcome = try await ResponseRelay.relayDirect(upstreamBody, to: &writer, observer: &observer)
                } else if isEventStream || streamRequested {
                    // A stream may run for minutes: a client that goes away must stop the
                    // instance's work at once, not at the next chunk.
                    outcome = try await originalRequest.body.consumeWithCancellationOnInboundClose { _ in
                        try await ResponseRelay.relay(
                            upstreamBody, to: &writer, idleTimeout: idle, deadline: deadline, observer: &observer)
                    }
                } else {
                    outcome = try await ResponseRelay.relay(
                        upstreamBody, to: &writer, idleTimeout: idle, deadline: deadline, observer: &observer)
                }
            } catch {
                observer.report(to: record, metrics: meter.metrics)
                record?.update { $0.error = "client disconnected" }
                meter.finish(status: status, modelLatency: ContinuousClock.now - sentAt, modelFailed: false)
                throw error
            }
            observer.report(to: record, metrics: meter.metrics)
            meter.finish(
                status: status, modelLatency: ContinuousClock.now - sentAt,
                modelFailed: status >= 400 || outcome.failure != nil)
            if let failure = outcome.failure {
                record?.update { $0.error = failure.code }
                logger.warning(
                    "relay ended early",
                    metadata: ["target": "\(pool.target)", "reason": "\(failure)", "bytes": "\(outcome.bytes)"])
                guard isEventStream else { throw failure }
                // OpenAI clients raise an APIError when a stream carries an error event.
                let event = GatewayError(
                    status: .gatewayTimeout, type: "upstream_error", code: failure.code, message: failure.publicMessage)
                var buffer = ByteBuffer(string: "data: ")
                buffer.writeBytes(event.openAIEnvelope())
                buffer.writeString("\n\n")
                try await writer.write(buffer)
            }
            try await writer.finish(nil)
        }
        var headers = responseHeaders
        if isEventStream || streamRequested {
            // Watching the connection for a client that leaves (to stop the instance at once)
            // uses up the connection: say so, so clients open a new one for the next request.
            headers[.connection] = "close"
        }
        return Response(
            status: HTTPResponse.Status(code: status, reasonPhrase: exchange.response.status.reasonPhrase),
            headers: headers, body: bodyWriter)
    }
}

/// Watches chunks after they are written: bytes, time to first token, gaps, token usage.
struct RelayObserver {
    let metrics: PoolMetrics?
    let start: ContinuousClock.Instant
    var bytes = 0
    var firstChunkAt: ContinuousClock.Instant?
    var lastChunkAt: ContinuousClock.Instant?
    var usage = UsageScanner()

    init(metrics: PoolMetrics?, start: ContinuousClock.Instant) {
        self.metrics = metrics
        self.start = start
    }

    mutating func chunkWritten(_ chunk: ByteBuffer) {
        let now = ContinuousClock.now
        bytes += chunk.readableBytes
        if let last = lastChunkAt {
            metrics?.chunkGap.record(Double((now - last).microseconds))
        } else {
            firstChunkAt = now
            metrics?.timeToFirstToken.record(Double((now - start).microseconds))
        }
        lastChunkAt = now
        chunk.withUnsafeReadableBytes { usage.scan($0) }
    }

    func report(to record: RequestRecord?, metrics: PoolMetrics?) {
        record?.update {
            $0.bytesOut = bytes
            $0.promptTokens = usage.promptTokens
            $0.completionTokens = usage.completionTokens
        }
        if let prompt = usage.promptTokens { metrics?.promptTokens.increment(by: Int64(prompt)) }
        if let completion = usage.completionTokens { metrics?.completionTokens.increment(by: Int64(completion)) }
    }
}
