import HTTPTypes
import Hummingbird
import NIOCore

extension SageMakerRuntime {
    /// `POST /endpoints/{e}/invocations`: the instance's answer relayed as it arrives, with
    /// its `Content-Type` and the SageMaker headers; the invocation timeout bounds it whole.
    func invoke(_ request: Request, context: GangwayRequestContext) async throws -> Response {
        let sent = try await send(request, context: context, streaming: false)
        let response = sent.exchange.response
        var headers = responseHeaders(sent)
        headers[.contentType] = response.headers.first(name: "content-type") ?? "application/octet-stream"
        let contentLength = response.headers.first(name: "content-length").flatMap(Int.init)
        let settings = sent.pool.settings
        let deadline = sent.start + min(settings.invocationTimeout, settings.timeouts.total)
        let logger = context.logger
        let target = sent.pool.target
        let record = context.record
        let body = ResponseBody(contentLength: contentLength) { writer in
            defer { sent.exchange.lease.release() }
            var observer = RelayObserver(metrics: sent.meter.metrics, start: sent.start)
            let outcome: RelayOutcome
            do {
                outcome = try await ResponseRelay.relay(
                    response.body, to: &writer, idleTimeout: settings.timeouts.idle, deadline: deadline, observer: &observer)
            } catch {
                sent.finish(failure: nil, observer: observer, record: record)
                throw error
            }
            sent.finish(failure: outcome.failure, observer: observer, record: record)
            if let failure = outcome.failure {
                // The status line is gone: all that is left is to cut the response short.
                logger.warning(
                    "relay ended early", metadata: ["target": "\(target)", "reason": "\(failure)", "bytes": "\(outcome.bytes)"])
                throw failure
            }
            try await writer.finish(nil)
        }
        return Response(status: .init(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase), headers: headers, body: body)
    }
}
