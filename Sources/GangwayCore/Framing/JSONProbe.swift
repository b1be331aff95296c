/// A single pass over a request body that checks it is one well-formed JSON object (RFC 8259)
/// and picks out the few top-level facts the gateway needs, without building a document.
///
/// Bodies are forwarded byte for byte, so Gangway never re-serialises them; it only needs to
/// refuse malformed JSON with a clear 400 and to know whether a stream was asked for.
public struct JSONProbe: Sendable, Equatable {
    /// Top-level `"stream": true`.
    public var stream = false
    /// Top-level `"stream_options": {"include_usage": true}`.
    public var includeUsage = false

    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "\(reason) at byte \(offset)" }
    }

    static let maximumDepth = 512

    public static func inspect(_ bytes: UnsafeRawBufferPointer) throws(SyntaxError) -> JSONProbe {
        var scanner = Scanner(bytes: bytes)
        return try scanner.scanDocument()
    }

    public static func inspect(_ bytes: [UInt8]) throws(SyntaxError) -> JSONProbe {
        do {
            return try bytes.withUnsafeBytes { buffer in try inspect(buffer) }
        } catch let error as SyntaxError {
            throw error
        } catch {
            throw SyntaxError(offset: 0, reason: "unreadable body")
        }
    }
}

extension JSONProbe {
    fileprivate struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var index = 0
        var depth = 0

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
        }

        mutating func scanDocument() throws(SyntaxError) -> JSONProbe {
            skipWhitespace()
            guard peek() == UInt8(ascii: "{") else {
                throw fail(index >= bytes.count ? "empty body, expected a JSON object" : "expected a JSON object")
            }
            var probe = JSONProbe()
            try scanObject { key, scanner throws(SyntaxError) in
                switch key {
                case .stream:
                    probe.stream = try scanner.scanValueReportingBool() == true
                case .streamOptions:
                    probe.includeUsage = try scanner.scanStreamOptions()
                case .includeUsage, .other:
                    try scanner.scanValue()
                }
            }
            skipWhitespace()
            guard index == bytes.count else { throw fail("unexpected data after the JSON object") }
            return probe
        }

        enum Key { case stream, streamOptions, includeUsage, other }

        mutating func scanStreamOptions() throws(SyntaxError) -> Bool {
            guard peek() == UInt8(ascii: "{") else {
                try scanValue()
                return false
            }
            var includeUsage = false
            try scanObject { key, scanner throws(SyntaxError) in
                if key == .includeUsage {
                    includeUsage = try scanner.scanValueReportingBool() == true
                } else {
                    try scanner.scanValue()
                }
            }
            return includeUsage
        }

        /// Scans `{ "key": value, ... }`, handing each value to `member` positioned at its start.
        mutating func scanObject(_ member: (Key, inout Scanner) throws(SyntaxError) -> Void) throws(SyntaxError) {
            index += 1  // "{"
            depth += 1
            guard depth <= JSONProbe.maximumDepth else { throw fail("nesting too deep") }
            skipWhitespace()
            if peek() == UInt8(ascii: "}") {
                index += 1
                depth -= 1
                return
            }
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let key = try scanKey()
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
                index += 1
                skipWhitespace()
                try member(key, &self)
                skipWhitespace()
                switch peek() {
                case UInt8(ascii: ","):
                    index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    depth -= 1
                    return
                default:
                    throw fail("expected ',' or '}' in an object")
                }
            }
        }

        mutating func scanKey() throws(SyntaxError) -> Key {
            let start = index + 1
            let hadEscapes = try scanString()
            guard !hadEscapes else { return .other }
            let body = UnsafeRawBufferPointer(rebasing: bytes[start..<(index - 1)])
            if body.elementsEqual("stream".utf8) { return .stream }
            if body.elementsEqual("stream_options".utf8) { return .streamOptions }
            if body.elementsEqual("include_usage".utf8) { return .includeUsage }
            return .other
        }

        /// Scans any value; returns its boolean when it is `true` or `false`.
        mutating func scanValueReportingBool() throws(SyntaxError) -> Bool? {
            if matchLiteral("true") { return true }
            if matchLiteral("false") { return false }
            try scanValue()
            return nil
        }

        mutating func scanValue() throws(SyntaxError) {
            guard let byte = peek() else { throw fail("unexpected end of body") }
            switch byte {
            case UInt8(ascii: "{"):
                try scanObject { _, scanner throws(SyntaxError) in try scanner.scanValue() }
            case UInt8(ascii: "["):
                try scanArray()
            case UInt8(ascii: "\""):
                _ = try scanString()
            case UInt8(ascii: "t"):
                guard matchLiteral("true") else { throw fail("invalid literal") }
            case UInt8(ascii: "f"):
                guard matchLiteral("false") else { throw fail("invalid literal") }
            case UInt8(ascii: "n"):
                guard matchLiteral("null") else { throw fail("invalid literal") }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try scanNumber()
            default:
                throw fail("unexpected character")
            }
        }

        mutating func scanArray() throws(SyntaxError) {
            index += 1
            depth += 1
            guard depth <= JSONProbe.maximumDepth else { throw fail("nesting too deep") }
            skipWhitespace()
            if peek() == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return
            }
            while true {
                skipWhitespace()
                try scanValue()
                skipWhitespace()
                switch peek() {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    depth -= 1
                    return
                default: throw fail("expected ',' or ']' in an array")
                }
            }
        }

        /// Scans a string starting at its opening quote; returns whether it held escapes.
        mutating func scanString() throws(SyntaxError) -> Bool {
            index += 1
            var hadEscapes = false
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return hadEscapes
                case UInt8(ascii: "\\"):
                    hadEscapes = true
                    index += 1
                    guard index < bytes.count else { throw fail("unterminated string") }
                    switch bytes[index] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                        UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 1
                    case UInt8(ascii: "u"):
                        guard index + 4 < bytes.count, (1...4).allSatisfy({ Self.isHexDigit(bytes[index + $0]) }) else {
                            throw fail("invalid \\u escape")
                        }
                        index += 5
                    default:
                        throw fail("invalid escape")
                    }
                case 0..<0x20:
                    throw fail("control character in string")
                case 0x80...:
                    try scanUTF8Sequence()
                default:
                    index += 1
                }
            }
            throw fail("unterminated string")
        }

        /// Validates one multi-byte UTF-8 sequence, so invalid text is refused here rather than by a model server.
        mutating func scanUTF8Sequence() throws(SyntaxError) {
            let lead = bytes[index]
            let length: Int
            let minimum: UInt32
            switch lead {
            case 0xC2...0xDF: length = 2; minimum = 0x80
            case 0xE0...0xEF: length = 3; minimum = 0x800
            case 0xF0...0xF4: length = 4; minimum = 0x10000
            default: throw fail("invalid UTF-8")
            }
            guard index + length <= bytes.count else { throw fail("invalid UTF-8") }
            var scalar = UInt32(lead) & (0xFF >> (length + 1))
            for offset in 1..<length {
                let continuation = bytes[index + offset]
                guard continuation & 0xC0 == 0x80 else { throw fail("invalid UTF-8") }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
                throw fail("invalid UTF-8")
            }
            index += length
        }

        mutating func scanNumber() throws(SyntaxError) {
            if peek() == UInt8(ascii: "-") { index += 1 }
            guard let first = peek(), Self.isDigit(first) else { throw fail("invalid number") }
            index += 1
            if first != UInt8(ascii: "0") {
                while let byte = peek(), Self.isDigit(byte) { index += 1 }
            }
            if peek() == UInt8(ascii: ".") {
                index += 1
                guard let byte = peek(), Self.isDigit(byte) else { throw fail("invalid number") }
                while let byte = peek(), Self.isDigit(byte) { index += 1 }
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                index += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
                guard let byte = peek(), Self.isDigit(byte) else { throw fail("invalid number") }
                while let byte = peek(), Self.isDigit(byte) { index += 1 }
            }
        }

        mutating func matchLiteral(_ literal: StaticString) -> Bool {
            let length = literal.utf8CodeUnitCount
            guard index + length <= bytes.count else { return false }
            let matches = literal.withUTF8Buffer { expected in
                (0..<length).allSatisfy { bytes[index + $0] == expected[$0] }
            }
            if matches { index += length }
            return matches
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
                default: return
                }
            }
        }

        func peek() -> UInt8? {
            index < bytes.count ? bytes[index] : nil
        }

        func fail(_ reason: String) -> SyntaxError {
            SyntaxError(offset: index, reason: reason)
        }

        static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        static func isHexDigit(_ byte: UInt8) -> Bool {
            isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }
    }
}
