import GangwayCore
import HTTPTypes
import Hummingbird
import NIOCore

/// A body writer that wraps each buffer written to it in a `PayloadPart` event, so the relay
/// that copies an instance's chunks can write event-stream messages unchanged.
struct EventStreamBodyWriter: ResponseBodyWriter {
    var base: any ResponseBodyWriter

    mutating func write(_ buffer: ByteBuffer) async throws {
        var remaining = buffer
        // A chunk over the event-stream payload limit (rare: reads are far smaller) is split.
        while remaining.readableBytes > 0,
            let piece = remaining.readSlice(length: min(remaining.readableBytes, EventStreamEncoder.maximumPayloadBytes))
        {
            try await base.write(EventStreamBodyWriter.payloadPart(piece))
        }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await base.finish(trailingHeaders)
    }

    static func payloadPart(_ payload: ByteBuffer) -> ByteBuffer {
        frame(payload, with: .payloadPart)
    }

    static func frame(_ payload: ByteBuffer, with encoder: EventStreamEncoder) -> ByteBuffer {
        let length = encoder.messageLength(payloadBytes: payload.readableBytes)
        var message = ByteBuffer()
        message.reserveCapacity(length)
        message.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { output in
            payload.withUnsafeReadableBytes { encoder.encode(payload: $0, into: output) }
        }
        return message
    }
}
