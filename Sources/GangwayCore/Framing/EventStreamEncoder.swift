/// Writes AWS event-stream messages (`application/vnd.amazon.eventstream`), the framing of
/// SageMaker's `InvokeEndpointWithResponseStream`:
///
///     total length (u32) | headers length (u32) | prelude CRC-32 (u32)
///     headers | payload | message CRC-32 (u32)
///
/// all big-endian, the prelude CRC over the first 8 bytes and the message CRC over everything
/// before it. One encoder serves one fixed set of headers, encoded once, so a stream of
/// `PayloadPart` events only copies and checksums each payload.
public struct EventStreamEncoder: Sendable, Equatable {
    public let headers: [EventStreamHeader]
    /// The headers section exactly as written in every message.
    public let headerBytes: [UInt8]

    /// Prelude (12 bytes) and message CRC (4 bytes).
    public static let framingBytes = 16
    /// The largest payload one message may carry. botocore accepts up to 24 MiB; AWS services
    /// send at most 16 MiB, and so does Gangway.
    public static let maximumPayloadBytes = 16 * 1024 * 1024

    public init(headers: [EventStreamHeader]) {
        self.headers = headers
        self.headerBytes = headers.flatMap(\.encoded)
        precondition(headerBytes.count <= 128 * 1024, "event-stream headers exceed 128 KiB")
    }

    /// The size of the message that carries `payloadBytes` bytes.
    public func messageLength(payloadBytes: Int) -> Int {
        Self.framingBytes + headerBytes.count + payloadBytes
    }

    /// Writes one message carrying `payload` at the start of `output`, which must hold at
    /// least ``messageLength(payloadBytes:)`` bytes. Returns the number of bytes written.
    public func encode(payload: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        precondition(payload.count <= Self.maximumPayloadBytes, "event-stream payload too large")
        let total = messageLength(payloadBytes: payload.count)
        precondition(output.count >= total, "output buffer too small for the event-stream message")
        var offset = 0
        func put(_ value: UInt32) {
            output[offset] = UInt8(truncatingIfNeeded: value >> 24)
            output[offset + 1] = UInt8(truncatingIfNeeded: value >> 16)
            output[offset + 2] = UInt8(truncatingIfNeeded: value >> 8)
            output[offset + 3] = UInt8(truncatingIfNeeded: value)
            offset += 4
        }
        put(UInt32(total))
        put(UInt32(headerBytes.count))
        var crc = CRC32()
        crc.update(UnsafeRawBufferPointer(rebasing: output[0..<8]))
        put(crc.checksum)
        headerBytes.withUnsafeBytes { headers in
            UnsafeMutableRawBufferPointer(rebasing: output[offset..<(offset + headers.count)]).copyMemory(from: headers)
            offset += headers.count
        }
        if payload.count > 0 {
            UnsafeMutableRawBufferPointer(rebasing: output[offset..<(offset + payload.count)]).copyMemory(from: payload)
            offset += payload.count
        }
        // The message CRC continues from the prelude CRC: it covers the prelude too.
        crc.update(UnsafeRawBufferPointer(rebasing: output[8..<offset]))
        put(crc.checksum)
        return offset
    }

    /// One message carrying `payload`, as a new array.
    public func encode(payload: [UInt8]) -> [UInt8] {
        let total = messageLength(payloadBytes: payload.count)
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
            count = payload.withUnsafeBytes { encode(payload: $0, into: UnsafeMutableRawBufferPointer(buffer)) }
        }
    }
}

extension EventStreamEncoder {
    /// SageMaker's `PayloadPart` event: a piece of the model's response, bytes as they came.
    public static let payloadPart = EventStreamEncoder(headers: [
        EventStreamHeader(":message-type", "event"),
        EventStreamHeader(":event-type", "PayloadPart"),
        EventStreamHeader(":content-type", "application/octet-stream"),
    ])

    /// A modelled exception event (`ModelStreamError`, `InternalStreamFailure`), whose payload
    /// is the exception's JSON members; SDKs raise it as an error of that name.
    public static func exception(_ type: String) -> EventStreamEncoder {
        EventStreamEncoder(headers: [
            EventStreamHeader(":message-type", "exception"),
            EventStreamHeader(":exception-type", type),
            EventStreamHeader(":content-type", "application/json"),
        ])
    }
}
