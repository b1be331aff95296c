#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import GangwayCore
import NIOCore

/// A header line's name and value (without the spaces around it) as positions in a head's bytes.
struct HTTP1Field {
    let name: Range<Int>
    let value: Range<Int>
}

/// HTTP/1.1 message syntax (RFC 9112) over raw bytes, shared by the parsers of instance
/// responses and client requests. Positions are offsets into the buffer given.
enum HTTP1Syntax {
    struct Violation: Error {
        let reason: String
    }

    /// A header line, `name ":" OWS value OWS`: a token name with no space before the colon,
    /// no line folding, no control character but tab in the value.
    static func field(_ raw: UnsafeRawBufferPointer, _ line: Range<Int>) throws(Violation) -> HTTP1Field {
        let first = raw[line.lowerBound]
        guard first != UInt8(ascii: " "), first != UInt8(ascii: "\t") else { throw Violation(reason: "folded header line") }
        var colon = line.lowerBound
        while colon < line.upperBound, raw[colon] != UInt8(ascii: ":") {
            guard isTokenCharacter(raw[colon]) else { throw Violation(reason: "bad header name") }
            colon += 1
        }
        guard colon < line.upperBound, colon > line.lowerBound else { throw Violation(reason: "bad header line") }
        var valueStart = colon + 1
        var valueEnd = line.upperBound
        while valueStart < valueEnd, isSpace(raw[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart, isSpace(raw[valueEnd - 1]) { valueEnd -= 1 }
        guard !hasControlCharacter(raw, valueStart..<valueEnd) else {
            throw Violation(reason: "control character in a header value")
        }
        return HTTP1Field(name: line.lowerBound..<colon, value: valueStart..<valueEnd)
    }

    /// Whether `range` holds `lowercased` in any ASCII letter case.
    static func equalsLowercased(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>, _ lowercased: StaticString) -> Bool {
        ASCIICase.equals(UnsafeRawBufferPointer(rebasing: raw[range]), lowercased: lowercased)
    }

    /// Whether `range` starts with `prefix`, byte for byte.
    static func hasPrefix(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>, _ prefix: StaticString) -> Bool {
        range.count >= prefix.utf8CodeUnitCount
            && memcmp(raw.baseAddress! + range.lowerBound, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
    }

    /// Whether `a` and `b` hold the same bytes. `memcmp`: a generic `elementsEqual` goes byte by
    /// byte, which for a kilobyte-long bearer token was 3% of a request's CPU.
    static func sameBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard let first = a.baseAddress, let second = b.baseAddress else { return true }
        return memcmp(first, second, a.count) == 0
    }

    /// Comma-separated tokens with spaces around them trimmed; empty ones skipped.
    static func forEachToken(_ raw: UnsafeRawBufferPointer, _ value: Range<Int>, _ body: (Range<Int>) -> Void) {
        var start = value.lowerBound
        while start <= value.upperBound {
            var end = start
            while end < value.upperBound, raw[end] != UInt8(ascii: ",") { end += 1 }
            var lower = start
            var upper = end
            while lower < upper, isSpace(raw[lower]) { lower += 1 }
            while upper > lower, isSpace(raw[upper - 1]) { upper -= 1 }
            if lower < upper { body(lower..<upper) }
            start = end + 1
        }
    }

    /// A `Content-Length` value: digits only, below 2^53.
    static func length(_ raw: UnsafeRawBufferPointer, _ value: Range<Int>) -> Int? {
        guard !value.isEmpty else { return nil }
        var length = 0
        for byte in raw[value] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            length = length * 10 + Int(byte - UInt8(ascii: "0"))
            guard length < 1 << 53 else { return nil }
        }
        return length
    }

    /// The length of the head at the start of `buffer`, blank line included, once it has all
    /// arrived (lines may end in CRLF or a bare LF; callers that want CRLF check each line).
    static func headLength(_ buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { raw in
            var index = 0
            while let lf = newline(raw, from: index) {
                if lf + 1 < raw.count, raw[lf + 1] == UInt8(ascii: "\n") { return lf + 2 }
                if lf + 2 < raw.count, raw[lf + 1] == UInt8(ascii: "\r"), raw[lf + 2] == UInt8(ascii: "\n") {
                    return lf + 3
                }
                index = lf + 1
            }
            return nil
        }
    }

    /// The offset of the first LF at or after `start`.
    static func newline(_ raw: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < raw.count, let base = raw.baseAddress,
            let found = memchr(base + start, Int32(UInt8(ascii: "\n")), raw.count - start)
        else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// Whether `range` holds a control character other than tab (DEL included). Eight bytes
    /// at a time, since a value may be a long token (a bearer token is about 500 bytes).
    static func hasControlCharacter(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low7 = ones &* 0x7F
        let high = ones &* 0x80
        /// 0x80 in each byte of `word` that is zero. Exact: no carry crosses a byte.
        func zeroBytes(_ word: UInt64) -> UInt64 { ~(((word & low7) &+ low7) | word | low7) }
        var index = range.lowerBound
        while index + 8 <= range.upperBound {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            // A tab gets its 0x20 bit set, so it is not seen as below 0x20.
            let tabless = word | (zeroBytes(word ^ (ones &* 0x09)) >> 2)
            // 0x80 in each byte below 0x20: adding 0x60 to its low seven bits sets bit 7 exactly
            // when the byte is 0x20 or more; bytes of 0x80 and up are excluded by `~tabless`.
            let below20 = ~((tabless & low7) &+ (ones &* 0x60)) & ~tabless & high
            if below20 | zeroBytes(word ^ low7) != 0 { return true }
            index += 8
        }
        while index < range.upperBound {
            let byte = raw[index]
            if (byte < 0x20 && byte != 0x09) || byte == 0x7F { return true }
            index += 1
        }
        return false
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    static func isControl(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F
    }

    /// RFC 9110's `tchar`.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
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
