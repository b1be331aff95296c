import GangwayCore
import HTTPTypes
import Hummingbird
import NIOCore

extension SageMakerRuntime {
    static let eventStreamContentType = "application/vnd.amazon.eventstream"

    /// `POST /endpoints/{e}/invocations-response-stream`: each chunk the instance writes is
    /// sent on at once as a `PayloadPart` event. A failure once the stream has started is told
    /// to the client as a final exception event, which SDKs raise.
    func invokeWithResponseStream(_ request: Request, context: GangwayRequestContext) async throws -> Response {
        let sent = try await send(request, context: context, streaming: true)
        let response = sent.exchange.response
        var headers = responseHeaders(sent)
        headers[.contentType] = Self.eventStreamContentType
        headers[SageMakerHeaders.streamContentType] = response.headers.first(name: "content-type") ?? "application/octet-stream"
        let settings = sent.pool.settings
        let deadline = sent.start + settings.timeouts.total
        let logger = context.logger
        let target = sent.pool.target
        let originalRequest = sent.request
        let record = context.record
        let body = ResponseBody { writer in
            defer { sent.exchange.lease.release() }
            // A stream may run for minutes: a client that goes away must stop the model's work at once.
            try await originalRequest.body.consumeWithCancellationOnInboundClose { _ in
                var events: any ResponseBodyWriter = EventStreamBodyWriter(base: writer)
                var observer = RelayObserver(metrics: sent.meter.metrics, start: sent.start)
                let outcome: RelayOutcome
                do {
                    outcome = try await ResponseRelay.relay(
                        response.body, to: &events, idleTimeout: settings.timeouts.idle, deadline: deadline,
                        observer: &observer)
                    sent.finish(failure: outcome.failure, observer: observer, record: record)
                } catch is CancellationError {
                    sent.finish(failure: nil, observer: observer, record: record)
                    throw CancellationError()
                } catch {
                    sent.finish(failure: nil, observer: observer, record: record)
                    // Most likely the client's side failed too; if not, it learns why the stream ends.
                    logger.error("stream relay failed", metadata: ["target": "\(target)", "error": "\(error)"])
                    try? await writer.write(StreamFailureEvent.internalFailure.encoded())
                    throw error
                }
                if let failure = outcome.failure {
                    logger.warning(
                        "relay ended early", metadata: ["target": "\(target)", "reason": "\(failure)", "bytes": "\(outcome.bytes)"])
                    try await writer.write(StreamFailureEvent(failure).encoded())
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
