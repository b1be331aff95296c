import NIOCore
import NIOHTTP1

/// A client's request head read straight from its bytes by ``FastRequestHandler``: the request
/// line, and each header line's position, plus what framing and reuse need.
///
/// Only plain requests are taken (see ``init(parsing:)``); any other head is left whole to NIO's
/// HTTP/1 decoder, so this reading never has to be lenient, and a request is never framed by
/// two parsers that might disagree.
struct ClientRequestHead: Sendable {
    /// The head as received, from the request line to the blank line.
    let bytes: ByteBuffer
    let method: HTTPMethod
    /// Where the request target (origin form: path and query) lies in `bytes`.
    private let targetRange: Range<Int>
    let version: HTTPVersion
    let fields: [HTTP1Field]
    /// The body's length (0 when the request declares none).
    let contentLength: Int
    /// Whether the client keeps the connection open after the response.
    let keepAlive: Bool

    /// Heads with more header lines than this are left to NIO's decoder (which refuses them).
    static let fieldLimit = 1000

    /// Nil unless the head is a plain request on one connection: `GET`, `POST`, `PUT`, `PATCH`
    /// or `DELETE` of an origin-form target over HTTP/1.0 or 1.1, lines ended by CRLF, valid header
    /// lines, at most one body length and no `Transfer-Encoding`, `Expect` or `Upgrade`.
    ///
    /// `fields`: an empty list whose storage may be reused (see ``LoopSpares``).
    init?(parsing bytes: ByteBuffer, fields: consuming [HTTP1Field] = []) {
        var storage = consume fields
        guard let parsed = bytes.withUnsafeReadableBytes({ RequestParse($0, fields: &storage).run() }) else { return nil }
        self.bytes = bytes
        method = parsed.method
        targetRange = parsed.target
        version = parsed.version
        self.fields = parsed.fields
        contentLength = parsed.contentLength ?? 0
        keepAlive = version.minor >= 1 ? !parsed.close : parsed.keepAlive && !parsed.close
    }

    /// The request target as sent, made into text (a keep-alive client's route is usually
    /// remembered, see ``hasTarget(_:)``).
    var target: String {
        bytes.withUnsafeReadableBytes { String(decoding: UnsafeRawBufferPointer(rebasing: $0[targetRange]), as: UTF8.self) }
    }

    /// Whether the request target is `text`, byte for byte (compared in place).
    func hasTarget(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            bytes.withUnsafeReadableBytes {
                HTTP1Syntax.sameBytes(UnsafeRawBufferPointer(rebasing: $0[targetRange]), UnsafeRawBufferPointer(utf8))
            }
        }
    }

    /// The header named `lowercasedName` if the head has exactly one (made into text only then).
    func soleValue(_ lowercasedName: StaticString) -> SoleHeader {
        bytes.withUnsafeReadableBytes { raw in
            switch soleField(lowercasedName, in: raw) {
            case .none: .none
            case .several: .several
            case .one(let value): .one(String(decoding: UnsafeRawBufferPointer(rebasing: raw[value]), as: UTF8.self))
            }
        }
    }

    /// Whether the head has exactly one header named `lowercasedName` and its value is
    /// `expected`, byte for byte (compared in place, without making text).
    func hasSoleValue(_ lowercasedName: StaticString, equalTo expected: [UInt8]) -> Bool {
        bytes.withUnsafeReadableBytes { raw in
            guard case .one(let value) = soleField(lowercasedName, in: raw) else { return false }
            return expected.withUnsafeBytes { HTTP1Syntax.sameBytes(UnsafeRawBufferPointer(rebasing: raw[value]), $0) }
        }
    }

    /// Where the value of the one header named `lowercasedName` lies in `raw` (the head's bytes).
    private func soleField(_ lowercasedName: StaticString, in raw: UnsafeRawBufferPointer) -> Sole<Range<Int>> {
        var found: Range<Int>?
        for field in fields where HTTP1Syntax.equalsLowercased(raw, field.name, lowercasedName) {
            guard found == nil else { return .several }
            found = field.value
        }
        return found.map { .one($0) } ?? .none
    }

    /// Every header as text, in order, for a SigV4 canonical request.
    var pairs: [(name: String, value: String)] {
        bytes.withUnsafeReadableBytes { raw in
            fields.map { field in
                (
                    name: String(decoding: UnsafeRawBufferPointer(rebasing: raw[field.name]), as: UTF8.self),
                    value: String(decoding: UnsafeRawBufferPointer(rebasing: raw[field.value]), as: UTF8.self)
                )
            }
        }
    }
}

/// One pass over a request head's bytes; nil for anything but a plain request.
private struct RequestParse {
    let raw: UnsafeRawBufferPointer
    var method = HTTPMethod.GET
    var target = 0..<0
    var version = HTTPVersion.http1_1
    var fields: [HTTP1Field] = []
    var contentLength: Int?
    var close = false
    var keepAlive = false

    /// Takes the storage of `fields` (swapped in: a copy would make it look shared).
    init(_ raw: UnsafeRawBufferPointer, fields: inout [HTTP1Field]) {
        self.raw = raw
        swap(&self.fields, &fields)
        if self.fields.capacity < 16 { self.fields.reserveCapacity(16) }
    }

    consuming func run() -> RequestParse? {
        var lineStart = 0
        var first = true
        while lineStart < raw.count {
            // The head given ends with its blank line, so every line has its LF.
            guard var lineEnd = HTTP1Syntax.newline(raw, from: lineStart) else { break }
            let next = lineEnd + 1
            // CRLF only: a bare LF is for NIO's decoder to judge.
            guard lineEnd > lineStart, raw[lineEnd - 1] == UInt8(ascii: "\r") else { return nil }
            lineEnd -= 1
            if lineEnd == lineStart { break }  // The blank line.
            if first {
                guard requestLine(lineStart..<lineEnd) else { return nil }
                first = false
            } else {
                guard fields.count < ClientRequestHead.fieldLimit,
                    let field = try? HTTP1Syntax.field(raw, lineStart..<lineEnd), interpret(field)
                else { return nil }
                fields.append(field)
            }
            lineStart = next
        }
        return first ? nil : self
    }

    /// `METHOD SP target SP HTTP/1.x`.
    private mutating func requestLine(_ line: Range<Int>) -> Bool {
        var space = line.lowerBound
        while space < line.upperBound, raw[space] != UInt8(ascii: " ") { space += 1 }
        let methodRange = line.lowerBound..<space
        switch methodRange.count {
        case 3 where HTTP1Syntax.hasPrefix(raw, methodRange, "GET"): method = .GET
        case 3 where HTTP1Syntax.hasPrefix(raw, methodRange, "PUT"): method = .PUT
        case 4 where HTTP1Syntax.hasPrefix(raw, methodRange, "POST"): method = .POST
        case 5 where HTTP1Syntax.hasPrefix(raw, methodRange, "PATCH"): method = .PATCH
        case 6 where HTTP1Syntax.hasPrefix(raw, methodRange, "DELETE"): method = .DELETE
        default: return false
        }
        let targetStart = space + 1
        guard targetStart < line.upperBound, raw[targetStart] == UInt8(ascii: "/") else { return false }
        var targetEnd = targetStart
        while targetEnd < line.upperBound, raw[targetEnd] > 0x20, raw[targetEnd] < 0x7F { targetEnd += 1 }
        let versionRange = targetEnd + 1..<line.upperBound
        guard targetEnd < line.upperBound, raw[targetEnd] == UInt8(ascii: " "), versionRange.count == 8,
            HTTP1Syntax.hasPrefix(raw, versionRange, "HTTP/1.")
        else { return false }
        switch raw[versionRange.upperBound - 1] {
        case UInt8(ascii: "1"): version = .http1_1
        case UInt8(ascii: "0"): version = .http1_0
        default: return false
        }
        target = targetStart..<targetEnd
        return true
    }

    /// Notes framing and reuse; false for a header the fast path leaves to NIO's decoder.
    private mutating func interpret(_ field: HTTP1Field) -> Bool {
        let name = field.name
        switch name.count {
        case 14 where HTTP1Syntax.equalsLowercased(raw, name, "content-length"):
            guard let length = HTTP1Syntax.length(raw, field.value), contentLength == nil || contentLength == length
            else { return false }
            contentLength = length
        case 17 where HTTP1Syntax.equalsLowercased(raw, name, "transfer-encoding"):
            return false
        case 6 where HTTP1Syntax.equalsLowercased(raw, name, "expect"):
            return false
        case 7 where HTTP1Syntax.equalsLowercased(raw, name, "upgrade"):
            return false
        case 10 where HTTP1Syntax.equalsLowercased(raw, name, "connection"):
            var close = self.close
            var keepAlive = self.keepAlive
            HTTP1Syntax.forEachToken(raw, field.value) { token in
                if HTTP1Syntax.equalsLowercased(raw, token, "close") { close = true }
                if HTTP1Syntax.equalsLowercased(raw, token, "keep-alive") { keepAlive = true }
            }
            self.close = close
            self.keepAlive = keepAlive
        default:
            break
        }
        return true
    }
}

/// A header that must appear at most once, as a request carries it: its value as text, or
/// where it lies in a head's bytes (``Sole``).
typealias SoleHeader = Sole<String>

enum Sole<Value> {
    case none
    case one(Value)
    case several
}

extension Sole: Equatable where Value: Equatable {}

extension Sole where Value == String {
    init(_ values: [String]) {
        switch values.count {
        case 0: self = .none
        case 1: self = .one(values[0])
        default: self = .several
        }
    }
}
