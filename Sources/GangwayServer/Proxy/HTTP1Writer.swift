import NIOCore
import NIOHTTP1

/// Writes HTTP/1.1 message parts as bytes, for the OpenAI paths' two connections: the request
/// to an instance and the response to the client, each usually one buffer and one write.
enum HTTP1Writer {
    /// `METHOD target HTTP/1.1` and `Host`; the target is the instance's path prefix followed by
    /// what `writePath` writes. The other header lines and the blank line follow.
    static func writeRequestLine(
        method: HTTPMethod, pathPrefix: String, path: String, host: String, into buffer: inout ByteBuffer
    ) {
        buffer.writeString(method.rawValue)
        buffer.writeStaticString(" ")
        buffer.writeString(pathPrefix)
        buffer.writeString(path)
        buffer.writeStaticString(" HTTP/1.1\r\nhost: ")
        buffer.writeString(host)
        buffer.writeStaticString("\r\n")
    }

    /// `HTTP/1.1 code reason`.
    static func writeStatusLine(code: Int, reason: String, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("HTTP/1.1 ")
        writeDecimal(code, into: &buffer)
        buffer.writeStaticString(" ")
        buffer.writeString(reason)
        buffer.writeStaticString("\r\n")
    }

    static func writeHeader(_ name: String, _ value: String, into buffer: inout ByteBuffer) {
        buffer.writeString(name)
        buffer.writeStaticString(": ")
        buffer.writeString(value)
        buffer.writeStaticString("\r\n")
    }

    static func writeContentLength(_ length: Int, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("content-length: ")
        writeDecimal(length, into: &buffer)
        buffer.writeStaticString("\r\n")
    }

    /// A chunk's size line; its data and the CRLF after it follow.
    static func writeChunkSize(_ size: Int, into buffer: inout ByteBuffer) {
        precondition(size > 0, "a chunk of no bytes would end the body")
        let digits = (Int.bitWidth - size.leadingZeroBitCount + 3) / 4
        for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
            buffer.writeInteger(hexDigits[(size >> shift) & 0xF])
        }
        buffer.writeStaticString("\r\n")
    }

    /// The end of a chunked body, with no trailers.
    static func writeLastChunk(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("0\r\n\r\n")
    }

    static func writeDecimal(_ value: Int, into buffer: inout ByteBuffer) {
        precondition(value >= 0)
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            buffer.writeInteger(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
