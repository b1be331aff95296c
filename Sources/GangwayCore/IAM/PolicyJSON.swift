/// A JSON value as a policy needs it: objects keep their key order and numbers keep their text.
///
/// A small strict parser (RFC 8259) of our own instead of `JSONSerialization`: it rejects
/// duplicate keys (two `Effect`s must not be resolved silently), keeps `10` and `"10"` apart
/// from `true`, and bounds nesting so a hostile document cannot exhaust the stack.
indirect enum PolicyJSON: Sendable, Equatable {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case array([PolicyJSON])
    case object([(key: String, value: PolicyJSON)])

    static let maximumDepth = 32

    struct SyntaxError: Error {}

    static func parse(_ text: String) throws(SyntaxError) -> PolicyJSON {
        var parser = Parser(bytes: Array(text.utf8))
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw SyntaxError() }
        return value
    }

    static func == (lhs: PolicyJSON, rhs: PolicyJSON) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)), (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
        default: false
        }
    }

    /// Scalars as the strings IAM compares them as: numbers and booleans become their text.
    var scalarText: String? {
        switch self {
        case .string(let text), .number(let text): text
        case .bool(let value): value ? "true" : "false"
        default: nil
        }
    }
}

extension PolicyJSON {
    fileprivate struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value(depth: Int) throws(SyntaxError) -> PolicyJSON {
            guard depth <= PolicyJSON.maximumDepth, index < bytes.count else { throw SyntaxError() }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return .number(try number())
            }
        }

        private mutating func literal(_ word: String) throws(SyntaxError) {
            let expected = Array(word.utf8)
            guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
                throw SyntaxError()
            }
            index += expected.count
        }

        private mutating func object(depth: Int) throws(SyntaxError) -> PolicyJSON {
            index += 1
            var members: [(key: String, value: PolicyJSON)] = []
            var keys = Set<String>()
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw SyntaxError() }
                let key = try string()
                guard keys.insert(key).inserted else { throw SyntaxError() }
                skipWhitespace()
                try expect(":")
                skipWhitespace()
                members.append((key, try value(depth: depth)))
                skipWhitespace()
                guard index < bytes.count else { throw SyntaxError() }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect("}")
                return .object(members)
            }
        }

        private mutating func array(depth: Int) throws(SyntaxError) -> PolicyJSON {
            index += 1
            var elements: [PolicyJSON] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth))
                skipWhitespace()
                guard index < bytes.count else { throw SyntaxError() }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect("]")
                return .array(elements)
            }
        }

        private mutating func expect(_ character: Unicode.Scalar) throws(SyntaxError) {
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { throw SyntaxError() }
            index += 1
        }

        private mutating func number() throws(SyntaxError) -> String {
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw SyntaxError() }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                try digits()
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                try digits()
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        private mutating func digits() throws(SyntaxError) {
            guard index < bytes.count, isDigit(bytes[index]) else { throw SyntaxError() }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }

        private func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

        private mutating func string() throws(SyntaxError) -> String {
            index += 1
            var scalars = String.UnicodeScalarView()
            var run = index
            func flush(_ parser: Parser, _ end: Int, into view: inout String.UnicodeScalarView) {
                view.append(contentsOf: String(decoding: parser.bytes[run..<end], as: UTF8.self).unicodeScalars)
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    flush(self, index, into: &scalars)
                    index += 1
                    return String(scalars)
                }
                guard byte >= 0x20 else { throw SyntaxError() }
                if byte == UInt8(ascii: "\\") {
                    flush(self, index, into: &scalars)
                    index += 1
                    scalars.append(try escape())
                    run = index
                    continue
                }
                index += 1
            }
            throw SyntaxError()
        }

        private mutating func escape() throws(SyntaxError) -> Unicode.Scalar {
            guard index < bytes.count else { throw SyntaxError() }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let first = try hex4()
                if (0xD800...0xDBFF).contains(first) {
                    guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                    else { throw SyntaxError() }
                    index += 2
                    let second = try hex4()
                    guard (0xDC00...0xDFFF).contains(second) else { throw SyntaxError() }
                    let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    guard let scalar = Unicode.Scalar(combined) else { throw SyntaxError() }
                    return scalar
                }
                guard let scalar = Unicode.Scalar(first) else { throw SyntaxError() }  // lone low surrogate
                return scalar
            default:
                throw SyntaxError()
            }
        }

        private mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard bytes.count - index >= 4 else { throw SyntaxError() }
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = SigV4Encoding.hexValue(bytes[index]) else { throw SyntaxError() }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            return value
        }
    }
}
