import Hummingbird
import NIOCore

extension MockModelRoutes {
    /// Streams `renderer`'s events as SSE, each written (and so flushed) on its own.
    ///
    /// The writing runs under `consumeWithCancellationOnInboundClose`: when the client closes
    /// its side, the task is cancelled at once, even in the middle of a pause between chunks,
    /// and the stream is counted as aborted. Hummingbird closes the connection after such a
    /// response, so it says `Connection: close` rather than letting a client reuse it.
    func stream(_ renderer: some StreamRenderer, controls: MockControls, request: Request) -> Response {
        let interval = controls.chunkDelay ?? self.configuration.tokenInterval
        let splitBytes = controls.splitBytes
        let stats = self.stats
        let body = ResponseBody { writer in
            stats.streamStarted()
            var completed = false
            defer { stats.streamEnded(completed: completed) }
            try await request.body.consumeWithCancellationOnInboundClose { _ in
                for event in renderer.events {
                    if event.isPaced, let interval, interval > .zero {
                        try await EventLoopPause.sleep(for: interval)
                    }
                    try Task.checkCancellation()
                    var buffer = renderer.render(event)
                    if let splitBytes {
                        while buffer.readableBytes > splitBytes, let piece = buffer.readSlice(length: splitBytes) {
                            try await writer.write(piece)
                        }
                    }
                    try await writer.write(buffer)
                }
            }
            try await writer.finish(nil)
            completed = true
        }
        return Response(status: .ok, headers: Self.eventStreamHeaders, body: body)
    }

    static let eventStreamHeaders: HTTPFields = [
        .contentType: "text/event-stream",
        .cacheControl: "no-cache",
        .connection: "close",
    ]
}
