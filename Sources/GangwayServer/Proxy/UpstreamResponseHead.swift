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

    typealias Field = HTTP1Field

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

    /// `fields`: an empty list whose storage may be reused (see ``LoopSpares``).
    init(parsing bytes: ByteBuffer, fields: consuming [Field] = []) throws(UpstreamProtocolError) {
        self.bytes = bytes
        var storage = consume fields
        let parsed = try bytes.withUnsafeReadableBytes { (raw) throws(UpstreamProtocolError) in
            try Parse(raw, fields: &storage).run()
        }
        status = parsed.status
        statusText = parsed.statusText
        self.fields = parsed.fields
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

    /// Takes the storage of `fields` (swapped in: a copy would make it look shared).
    init(_ raw: UnsafeRawBufferPointer, fields: inout [UpstreamResponseHead.Field]) {
        self.raw = raw
        swap(&self.fields, &fields)
        if self.fields.capacity < 16 { self.fields.reserveCapacity(16) }
    }

    consuming func run() throws(UpstreamProtocolError) -> Parse {
        var lineStart = 0
        var first = true
        while lineStart < raw.count {
            // The head given ends with its blank line, so every line has its LF.
            guard var lineEnd = HTTP1Syntax.newline(raw, from: lineStart) else { break }
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
        guard line.count >= prefix.utf8CodeUnitCount + 5, HTTP1Syntax.hasPrefix(raw, line, prefix) else {
            throw .invalid("bad status line")
        }
        var index = line.lowerBound + prefix.utf8CodeUnitCount
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
        for byte in raw[index..<line.upperBound] where HTTP1Syntax.isControl(byte) {
            throw .invalid("control character in the reason phrase")
        }
        status = code
        statusText = codeStart..<line.upperBound
    }

    private mutating func field(_ line: Range<Int>) throws(UpstreamProtocolError) {
        let field: HTTP1Field
        do {
            field = try HTTP1Syntax.field(raw, line)
        } catch {
            throw .invalid(error.reason)
        }
        fields.append(field)
        try interpret(name: field.name, value: field.value)
    }

    /// Notes the headers that decide framing and reuse.
    private mutating func interpret(name: Range<Int>, value: Range<Int>) throws(UpstreamProtocolError) {
        switch name.count {
        case 14 where equalsLowercased(name, "content-length"):
            guard let length = HTTP1Syntax.length(raw, value) else { throw .invalid("bad Content-Length") }
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

    private func forEachToken(_ value: Range<Int>, _ body: (Range<Int>) -> Void) {
        HTTP1Syntax.forEachToken(raw, value, body)
    }

    private func equalsLowercased(_ range: Range<Int>, _ lowercased: StaticString) -> Bool {
        HTTP1Syntax.equalsLowercased(raw, range, lowercased)
    }
}
