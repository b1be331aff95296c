/// A strict RFC 8259 JSON parser over raw bytes.
///
/// Strings without escapes are decoded straight from the input; nesting is bounded so a
/// hostile body cannot exhaust the stack.
struct JSONParser: ~Copyable {
    struct Error: Swift.Error, Equatable, CustomStringConvertible {
        /// Byte offset where parsing stopped.
        var offset: Int
        var reason: String

        var description: String { "invalid JSON at byte \(self.offset): \(self.reason)" }
    }

    static let maximumDepth = 512

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var depth = 0

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Parses one complete JSON document; trailing non-whitespace is an error.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(Error) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected data after the document") }
        return value
    }

    static func parse(_ text: String) throws(Error) -> JSONValue {
        var text = text
        let result = text.withUTF8 { utf8 in Result { () throws(Error) in try parse(UnsafeRawBufferPointer(utf8)) } }
        return try result.get()
    }

    // MARK: Values

    private mutating func parseValue() throws(Error) -> JSONValue {
        guard self.index < self.bytes.count else { throw self.error("unexpected end of input") }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"): return try self.parseObject()
        case UInt8(ascii: "["): return try self.parseArray()
        case UInt8(ascii: "\""): return .string(try self.parseString())
        case UInt8(ascii: "t"): try self.expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try self.expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try self.expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try self.parseNumber())
        default: throw self.error("unexpected character")
        }
    }

    private mutating func parseObject() throws(Error) -> JSONValue {
        try self.enterContainer()
        defer { self.depth -= 1 }
        var members: [JSONMember] = []
        self.skipWhitespace()
        if self.consume(UInt8(ascii: "}")) { return .object(members) }
        while true {
            self.skipWhitespace()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\"") else {
                throw self.error("expected a string key")
            }
            let key = try self.parseString()
            self.skipWhitespace()
            guard self.consume(UInt8(ascii: ":")) else { throw self.error("expected ':'") }
            self.skipWhitespace()
            members.append(JSONMember(key: key, value: try self.parseValue()))
            self.skipWhitespace()
            if self.consume(UInt8(ascii: ",")) { continue }
            if self.consume(UInt8(ascii: "}")) { return .object(members) }
            throw self.error("expected ',' or '}'")
        }
    }

    private mutating func parseArray() throws(Error) -> JSONValue {
        try self.enterContainer()
        defer { self.depth -= 1 }
        var values: [JSONValue] = []
        self.skipWhitespace()
        if self.consume(UInt8(ascii: "]")) { return .array(values) }
        while true {
            self.skipWhitespace()
            values.append(try self.parseValue())
            self.skipWhitespace()
            if self.consume(UInt8(ascii: ",")) { continue }
            if self.consume(UInt8(ascii: "]")) { return .array(values) }
            throw self.error("expected ',' or ']'")
        }
    }

    /// Consumes the opening bracket and enforces the nesting bound.
    private mutating func enterContainer() throws(Error) {
        guard self.depth < Self.maximumDepth else { throw self.error("nesting too deep") }
        self.depth += 1
        self.index += 1
    }

    // MARK: Strings

    private mutating func parseString() throws(Error) -> String {
        self.index += 1  // opening quote
        let start = self.index
        // Fast path: no escapes, decode the slice directly.
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index]), as: UTF8.self)
                self.index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw self.error("control character in string") }
            self.index += 1
        }
        var scratch = [UInt8](UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index]))
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            switch byte {
            case UInt8(ascii: "\""):
                self.index += 1
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                self.index += 1
                try self.parseEscape(into: &scratch)
            case 0..<0x20:
                throw self.error("control character in string")
            default:
                scratch.append(byte)
                self.index += 1
            }
        }
        throw self.error("unterminated string")
    }

    private mutating func parseEscape(into scratch: inout [UInt8]) throws(Error) {
        guard self.index < self.bytes.count else { throw self.error("unterminated escape") }
        let byte = self.bytes[self.index]
        self.index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(byte)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try self.parseHex4())
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by an escaped low surrogate to form one scalar.
                if self.index + 1 < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\\"),
                    self.bytes[self.index + 1] == UInt8(ascii: "u")
                {
                    self.index += 2
                    let low = UInt32(try self.parseHex4())
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        Self.appendUTF8(Unicode.Scalar(0xFFFD)!, to: &scratch)
                        scalar = low
                    }
                }
            }
            Self.appendUTF8(Unicode.Scalar(scalar) ?? Unicode.Scalar(0xFFFD)!, to: &scratch)
        default:
            throw self.error("invalid escape")
        }
    }

    private mutating func parseHex4() throws(Error) -> UInt16 {
        guard self.index + 4 <= self.bytes.count else { throw self.error("truncated \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = self.bytes[self.index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw self.error("invalid hex digit")
            }
            value = value << 4 | UInt16(digit)
            self.index += 1
        }
        return value
    }

    private static func appendUTF8(_ scalar: Unicode.Scalar, to scratch: inout [UInt8]) {
        UTF8.encode(scalar) { scratch.append($0) }
    }

    // MARK: Numbers and literals

    private mutating func parseNumber() throws(Error) -> Double {
        let start = self.index
        _ = self.consume(UInt8(ascii: "-"))
        if self.consume(UInt8(ascii: "0")) {
            // no leading zeros
        } else if self.consumeDigits() == 0 {
            throw self.error("expected a digit")
        }
        var isInteger = true
        if self.consume(UInt8(ascii: ".")) {
            isInteger = false
            guard self.consumeDigits() > 0 else { throw self.error("expected a digit after '.'") }
        }
        if self.consume(UInt8(ascii: "e")) || self.consume(UInt8(ascii: "E")) {
            isInteger = false
            if !self.consume(UInt8(ascii: "+")) { _ = self.consume(UInt8(ascii: "-")) }
            guard self.consumeDigits() > 0 else { throw self.error("expected a digit in exponent") }
        }
        let slice = UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index])
        // Integers of up to 15 digits are exact in a Double; accumulate them without a String.
        if isInteger, slice.count <= 16 {
            var value = 0
            for byte in slice where byte != UInt8(ascii: "-") { value = value * 10 + Int(byte - UInt8(ascii: "0")) }
            return Double(slice.first == UInt8(ascii: "-") ? -value : value)
        }
        guard let value = Double(String(decoding: slice, as: UTF8.self)) else { throw self.error("invalid number") }
        return value
    }

    private mutating func consumeDigits() -> Int {
        let start = self.index
        while self.index < self.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self.bytes[self.index]) {
            self.index += 1
        }
        return self.index - start
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(Error) {
        let count = literal.utf8CodeUnitCount
        guard self.index + count <= self.bytes.count else { throw self.error("unexpected end of input") }
        for offset in 0..<count where self.bytes[self.index + offset] != literal.utf8Start[offset] {
            throw self.error("invalid literal")
        }
        self.index += count
    }

    // MARK: Helpers

    private mutating func skipWhitespace() {
        while self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): self.index += 1
            default: return
            }
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard self.index < self.bytes.count, self.bytes[self.index] == byte else { return false }
        self.index += 1
        return true
    }

    private func error(_ reason: String) -> Error {
        Error(offset: self.index, reason: reason)
    }
}
