import GangwayCore
import HTTPTypes
import NIOCore
import NIOHTTP1

/// Which headers cross the gateway. Hop-by-hop headers belong to one connection; credentials
/// meant for Gangway never reach an instance; framing headers are recomputed.
enum HeaderForwarding {
    // Lower-case names as bytes, so a name is compared without lower-casing it (which allocates).
    private static let notForwardedToInstance = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "content-length", "authorization", "expect",
        "x-amz-date", "x-amz-security-token", "x-amz-content-sha256",
    ].map { Array($0.utf8) }

    private static let notForwardedToClient = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "content-length", "date", "server",
    ].map { Array($0.utf8) }

    /// HTTPTypes' fields to NIO's headers, for the SageMaker invoke paths (served by the router).
    static func requestHeaders(_ fields: HTTPFields) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.reserveCapacity(fields.count)
        for field in fields where !matches(field.name.rawName, notForwardedToInstance) {
            headers.add(name: field.name.rawName, value: field.value)
        }
        return headers
    }

    /// A client's request headers (NIO's) as the header lines sent to an instance, for the
    /// OpenAI paths (served below the router). NIO's parser has checked every name and value.
    static func writeRequestHeaderLines(_ headers: HTTPHeaders, into buffer: inout ByteBuffer) {
        for (name, value) in headers where !matches(name, notForwardedToInstance) {
            HTTP1Writer.writeHeader(name, value, into: &buffer)
        }
    }

    /// A client's request header lines read as bytes, less those not forwarded, byte for byte.
    static func writeRequestHeaderLines(_ head: ClientRequestHead, into buffer: inout ByteBuffer) {
        writeLines(head.bytes, head.fields, dropping: notForwardedToInstance, into: &buffer)
    }

    /// An instance's response header lines as relayed to the client, byte for byte.
    static func writeResponseHeaderLines(_ head: UpstreamResponseHead, into buffer: inout ByteBuffer) {
        writeLines(head.bytes, head.fields, dropping: notForwardedToClient, into: &buffer)
    }

    /// Lines written as they came, consecutive ones in one copy; a line spelled otherwise than
    /// `name: value` CRLF (other spacing, a bare LF) is written in that canonical form.
    private static func writeLines(
        _ bytes: ByteBuffer, _ fields: [HTTP1Field], dropping names: [[UInt8]], into buffer: inout ByteBuffer
    ) {
        bytes.withUnsafeReadableBytes { raw in
            var run = 0..<0
            func writeRun() {
                if !run.isEmpty { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: raw[run])) }
                run = 0..<0
            }
            for field in fields where !matches(UnsafeRawBufferPointer(rebasing: raw[field.name]), names) {
                if let line = canonicalLine(raw, field) {
                    if run.isEmpty || run.upperBound != line.lowerBound {
                        writeRun()
                        run = line
                    } else {
                        run = run.lowerBound..<line.upperBound
                    }
                    continue
                }
                writeRun()
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: raw[field.name]))
                buffer.writeStaticString(": ")
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: raw[field.value]))
                buffer.writeStaticString("\r\n")
            }
            writeRun()
        }
    }

    /// The field's whole line, CRLF included, when it reads exactly `name: value` CRLF.
    private static func canonicalLine(_ raw: UnsafeRawBufferPointer, _ field: HTTP1Field) -> Range<Int>? {
        let end = field.value.upperBound
        guard field.value.lowerBound == field.name.upperBound + 2, raw[field.name.upperBound + 1] == UInt8(ascii: " "),
            end + 1 < raw.count, raw[end] == UInt8(ascii: "\r"), raw[end + 1] == UInt8(ascii: "\n")
        else { return nil }
        return field.name.lowerBound..<end + 2
    }

    /// Whether `name` is one of `lowercasedNames`, ignoring ASCII letter case.
    static func matches(_ name: String, _ lowercasedNames: [[UInt8]]) -> Bool {
        var name = name
        return name.withUTF8 { matches(UnsafeRawBufferPointer($0), lowercasedNames) }
    }

    static func matches(_ name: UnsafeRawBufferPointer, _ lowercasedNames: [[UInt8]]) -> Bool {
        lowercasedNames.contains { candidate in
            candidate.count == name.count && candidate.withUnsafeBytes { ASCIICase.equals(name, lowercased: $0) }
        }
    }
}
