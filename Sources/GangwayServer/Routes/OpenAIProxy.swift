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
    let registry: EndpointRegistry
    let clients: UpstreamClients
    let runtimeGuard: RuntimeGuard
    let defaultMaxBodyBytes: Int

    func handle(_ request: Request, context: GangwayRequestContext) async throws -> Response {
        let endpointName = context.parameters.get("endpoint") ?? ""
        let componentName = context.parameters.get("component")
        let subpath = context.parameters.getCatchAll()
        // Resolved now for its body limit; an unknown name is reported only after the caller
        // proved who they are and may invoke it, so strangers learn nothing about endpoints.
        let resolved = Result { () throws(GatewayError) in
            try registry.pool(endpoint: endpointName[...], component: componentName?[...])
        }

        var request = request
        let limit = (try? resolved.get())?.settings.maxBodyBytes ?? defaultMaxBodyBytes
        // A declared length over the limit is refused before reading a byte of the body.
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw GatewayError.bodyTooLarge(limit: limit)
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw GatewayError.bodyTooLarge(limit: limit)
        } catch is NIOTooManyBytesError {
            throw GatewayError.bodyTooLarge(limit: limit)
        }

        _ = try await runtimeGuard.admit(
            request, body: body, endpoint: endpointName, component: componentName, context: context)
        let pool = try resolved.get()

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
            method: request.method, path: path, headers: request.headers, body: hasJSONBody || body.readableBytes > 0 ? body : nil)
        let start = ContinuousClock.now
        let deadline = start + pool.settings.timeouts.total
        let exchange = try await clients.send(forwarded, to: pool, deadline: deadline, logger: context.logger)

        let isEventStream = exchange.response.headers.first(name: "content-type")?.lowercased().hasPrefix("text/event-stream") ?? false
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
            let outcome: RelayOutcome
            if isEventStream || streamRequested {
                // A stream may run for minutes: a client that goes away must stop the instance's
                // work at once, not at the next chunk.
                outcome = try await originalRequest.body.consumeWithCancellationOnInboundClose { _ in
                    try await ResponseRelay.relay(upstreamBody, to: &writer, idleTimeout: idle, deadline: deadline)
                }
            } else {
                outcome = try await ResponseRelay.relay(upstreamBody, to: &writer, idleTimeout: idle, deadline: deadline)
            }
            if let failure = outcome.failure {
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
        return Response(
            status: HTTPResponse.Status(code: Int(exchange.response.status.code), reasonPhrase: exchange.response.status.reasonPhrase),
            headers: responseHeaders, body: bodyWriter)
    }
}
