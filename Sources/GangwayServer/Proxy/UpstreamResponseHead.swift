#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import NIOCore

/// The status line and headers of an instance's response, kept as the bytes received with the
/// positions of each field, plus what framing and reuse need. Fields are relayed by copying
/// their bytes; none becomes a `String`.
struct UpstreamResponseHead {
    enum BodyFraming: Equatable {
        /// 1xx, 204 and 304 answers.
        case none
        case length(Int)
        case chunked
        /// No length given: the body ends when the instance closes the connection.
        case untilClose
    }

    /// A header line: where its name and value (without surrounding spaces) lie in `bytes`.
    struct Field {
        let name: Range<Int>
        let value: Range<Int>
    }

    /// The head as received, from the status line to the blank line.
    let bytes: ByteBuffer
    let status: Int
    /// The status line after the version (`200 OK`).
    let statusText: Range<Int>
    let fields: [Field]
    let bodyFraming: BodyFraming
    /// Whether the connection may carry another request after this response.
    let keepAlive: Bool
    /// `Content-Type: text/event-stream` (any letter case, any parameters).
    let isEventStream: Bool

    var contentLength: Int? {
        if case .length(let length) = bodyFraming { return length }
        return nil
    }

    init(parsing bytes: ByteBuffer) throws(UpstreamProtocolError) {
        self.bytes = bytes
        let parsed = try bytes.withUnsafeReadableBytes { (raw) throws(UpstreamProtocolError) in
            try Parse(raw).run()
        }
        status = parsed.status
        statusText = parsed.statusText
        fields = parsed.fields
        isEventStream = parsed.isEventStream
        let connectionClose = parsed.connectionTokens.close
        switch parsed.status {
        case 100..<200, 204, 304:
            bodyFraming = .none
        default:
            if let chunkedLast = parsed.transferEncodingChunked {
                bodyFraming = chunkedLast ? .chunked : .untilClose
            } else if let length = parsed.contentLength {
                bodyFraming = .length(length)
            } else {
                bodyFraming = .untilClose
            }
        }
        let reusableVersion = parsed.minorVersion >= 1 || parsed.connectionTokens.keepAlive
        // Both a length and a transfer coding: the length is ignored, and such a connection is
        // not trusted with another request.
        let ambiguous = parsed.transferEncodingChunked != nil && parsed.contentLength != nil
        keepAlive = reusableVersion && !connectionClose && !ambiguous && bodyFraming != .untilClose
    }

    /// The bytes of a range of `bytes`, for the caller to copy or compare.
    func withBytes<Result>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        bytes.withUnsafeReadableBytes { body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }
}

/// One pass over the head's bytes.
private struct Parse {
    struct ConnectionTokens {
        var close = false
        var keepAlive = false
    }

    let raw: UnsafeRawBufferPointer
    var status = 0
    var minorVersion = 1
    var statusText = 0..<0
    var fields: [UpstreamResponseHead.Field] = []
    var contentLength: Int?
    /// nil without `Transfer-Encoding`; otherwise whether its last coding is `chunked`.
    var transferEncodingChunked: Bool?
    var connectionTokens = ConnectionTokens()
    var isEventStream = false

    init(_ raw: UnsafeRawBufferPointer) {
        self.raw = raw
        fields.reserveCapacity(16)
    }

    consuming func run() throws(UpstreamProtocolError) -> Parse {
        var lineStart = 0
        var first = true
        while lineStart < raw.count {
            var lineEnd = lineStart
            while raw[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let next = lineEnd + 1
            if lineEnd > lineStart, raw[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            if lineEnd == lineStart { break }  // The blank line.
            if first {
                try statusLine(lineStart..<lineEnd)
                first = false
            } else {
                try field(lineStart..<lineEnd)
            }
            lineStart = next
        }
        if first { throw .invalid("no status line") }
        return self
    }

    private mutating func statusLine(_ line: Range<Int>) throws(UpstreamProtocolError) {
        let prefix: StaticString = "HTTP/1."
        let prefixLength = prefix.utf8CodeUnitCount
        guard line.count >= prefixLength + 5,
            memcmp(raw.baseAddress! + line.lowerBound, prefix.utf8Start, prefixLength) == 0
        else {
            throw .invalid("bad status line")
        }
        var index = line.lowerBound + prefixLength
        switch raw[index] {
        case UInt8(ascii: "0"): minorVersion = 0
        case UInt8(ascii: "1"): minorVersion = 1
        default: throw .invalid("unsupported HTTP version")
        }
        index += 1
        guard raw[index] == UInt8(ascii: " ") else { throw .invalid("bad status line") }
        index += 1
        let codeStart = index
        var code = 0
        while index < line.upperBound, index < codeStart + 3 {
            let byte = raw[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw .invalid("bad status code") }
            code = code * 10 + Int(byte - UInt8(ascii: "0"))
            index += 1
        }
        guard index == codeStart + 3, code >= 100, index == line.upperBound || raw[index] == UInt8(ascii: " ") else {
            throw .invalid("bad status code")
        }
        for byte in raw[index..<line.upperBound] where Self.isControl(byte) {
            throw .invalid("control character in the reason phrase")
        }
        status = code
        statusText = codeStart..<line.upperBound
    }

    private mutating func field(_ line: Range<Int>) throws(UpstreamProtocolError) {
        let first = raw[line.lowerBound]
        guard first != UInt8(ascii: " "), first != UInt8(ascii: "\t") else {
            throw .invalid("folded header line")
        }
        var colon = line.lowerBound
        while colon < line.upperBound, raw[colon] != UInt8(ascii: ":") {
            guard Self.isTokenCharacter(raw[colon]) else { throw .invalid("bad header name") }
            colon += 1
        }
        guard colon < line.upperBound, colon > line.lowerBound else { throw .invalid("bad header line") }
        var valueStart = colon + 1
        var valueEnd = line.upperBound
        while valueStart < valueEnd, Self.isSpace(raw[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart, Self.isSpace(raw[valueEnd - 1]) { valueEnd -= 1 }
        for byte in raw[valueStart..<valueEnd] where Self.isControl(byte) && byte != UInt8(ascii: "\t") {
            throw .invalid("control character in a header value")
        }
        let name = line.lowerBound..<colon
        let value = valueStart..<valueEnd
        fields.append(.init(name: name, value: value))
        try interpret(name: name, value: value)
    }

    /// Notes the headers that decide framing and reuse.
    private mutating func interpret(name: Range<Int>, value: Range<Int>) throws(UpstreamProtocolError) {
        switch name.count {
        case 14 where equalsLowercased(name, "content-length"):
            var length = 0
            for byte in raw[value] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw .invalid("bad Content-Length") }
                length = length * 10 + Int(byte - UInt8(ascii: "0"))
                guard length < 1 << 53 else { throw .invalid("bad Content-Length") }
            }
            guard !value.isEmpty else { throw .invalid("bad Content-Length") }
            if let earlier = contentLength, earlier != length { throw .invalid("conflicting Content-Length headers") }
            contentLength = length
        case 17 where equalsLowercased(name, "transfer-encoding"):
            var last: Range<Int>?
            forEachToken(value) { last = $0 }
            transferEncodingChunked = last.map { equalsLowercased($0, "chunked") } ?? false
        case 10 where equalsLowercased(name, "connection"):
            var tokens = connectionTokens
            forEachToken(value) { token in
                if equalsLowercased(token, "close") { tokens.close = true }
                if equalsLowercased(token, "keep-alive") { tokens.keepAlive = true }
            }
            connectionTokens = tokens
        case 12 where equalsLowercased(name, "content-type"):
            let expected: StaticString = "text/event-stream"
            let length = expected.utf8CodeUnitCount
            isEventStream = value.count >= length && equalsLowercased(value.lowerBound..<value.lowerBound + length, expected)
        default:
            break
        }
    }

    /// Comma-separated tokens with spaces around them trimmed; empty ones skipped.
    private func forEachToken(_ value: Range<Int>, _ body: (Range<Int>) -> Void) {
        var start = value.lowerBound
        while start <= value.upperBound {
            var end = start
            while end < value.upperBound, raw[end] != UInt8(ascii: ",") { end += 1 }
            var lower = start
            var upper = end
            while lower < upper, Self.isSpace(raw[lower]) { lower += 1 }
            while upper > lower, Self.isSpace(raw[upper - 1]) { upper -= 1 }
            if lower < upper { body(lower..<upper) }
            start = end + 1
        }
    }

    private func equalsLowercased(_ range: Range<Int>, _ lowercased: StaticString) -> Bool {
        guard range.count == lowercased.utf8CodeUnitCount else { return false }
        let expected = lowercased.utf8Start
        for offset in 0..<range.count {
            let byte = raw[range.lowerBound + offset]
            let lowered = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            guard lowered == expected[offset] else { return false }
        }
        return true
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private static func isControl(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F
    }

    /// RFC 9110's `tchar`.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "^"), UInt8(ascii: "`"),
            UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
