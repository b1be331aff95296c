import Foundation
import NIOCore

/// Writes deterministic embedding vectors: component `d` of the vector for text `t` is a hash
/// of `t` and `d` mapped to a multiple of 1/10000 in [-1, 1], so equal texts embed equally and
/// the printed decimals are exact.
struct EmbeddingRenderer: Sendable {
    let model: String
    let request: EmbeddingRequest
    let dimensions: Int
    let echoedHeaders: EchoedHeaders?

    /// Component values in ten-thousandths.
    static func vector(for text: String, dimensions: Int) -> [Int] {
        var hash = StableHash()
        hash.combine(text)
        let base = hash.value
        return (0..<dimensions).map { dimension in
            Int(StableHash.mix(base &+ UInt64(dimension) &* 0x9E37_79B9_7F4A_7C15) % 20_001) - 10_000
        }
    }

    func body() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeStaticString("{\"object\":\"list\",\"data\":[")
        for (index, text) in self.request.inputs.enumerated() {
            if index > 0 { buffer.writeStaticString(",") }
            buffer.writeStaticString("{\"object\":\"embedding\",\"index\":")
            buffer.writeDecimal(index)
            buffer.writeStaticString(",\"embedding\":")
            let vector = Self.vector(for: text, dimensions: self.dimensions)
            if self.request.base64 {
                buffer.writeJSONString(Self.base64(vector))
            } else {
                buffer.writeStaticString("[")
                for (offset, value) in vector.enumerated() {
                    if offset > 0 { buffer.writeStaticString(",") }
                    Self.writeFixedPoint(value, into: &buffer)
                }
                buffer.writeStaticString("]")
            }
            buffer.writeStaticString("}")
        }
        buffer.writeStaticString("],\"model\":")
        buffer.writeJSONString(self.model)
        buffer.writeStaticString(",\"usage\":{\"prompt_tokens\":")
        buffer.writeDecimal(self.request.promptTokens)
        buffer.writeStaticString(",\"total_tokens\":")
        buffer.writeDecimal(self.request.promptTokens)
        buffer.writeStaticString("}")
        buffer.writeEchoedHeaders(self.echoedHeaders)
        buffer.writeStaticString("}")
        return buffer
    }

    /// `value / 10000` with exactly four decimals, e.g. -1234 → `-0.1234`.
    static func writeFixedPoint(_ value: Int, into buffer: inout ByteBuffer) {
        if value < 0 { buffer.writeStaticString("-") }
        let magnitude = abs(value)
        buffer.writeDecimal(magnitude / 10_000)
        buffer.writeStaticString(".")
        let fraction = magnitude % 10_000
        for divisor in [1000, 100, 10, 1] {
            buffer.writeInteger(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
        }
    }

    /// Little-endian float32 values, base64-encoded, as the OpenAI SDKs decode them.
    static func base64(_ vector: [Int]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            withUnsafeBytes(of: (Float(value) / 10_000).bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }
}
