import NIOCore

/// Hand-written JSON output: the mock's responses have fixed shapes, so writing them directly
/// into a `ByteBuffer` avoids building and encoding intermediate dictionaries per request.
extension ByteBuffer {
    /// Writes `text` as a quoted JSON string.
    mutating func writeJSONString(_ text: String) {
        self.writeInteger(UInt8(ascii: "\""))
        self.writeJSONEscaped(text)
        self.writeInteger(UInt8(ascii: "\""))
    }

    /// Writes the JSON escaping of `text` without quotes; non-ASCII stays raw UTF-8.
    mutating func writeJSONEscaped(_ text: String) {
        let utf8 = text.utf8
        if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            self.writeString(text)
            return
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): self.writeStaticString("\\\"")
            case UInt8(ascii: "\\"): self.writeStaticString("\\\\")
            case 0x0A: self.writeStaticString("\\n")
            case 0x0D: self.writeStaticString("\\r")
            case 0x09: self.writeStaticString("\\t")
            case 0..<0x20:
                self.writeStaticString("\\u00")
                self.writeInteger(Self.hexDigits[Int(byte >> 4)])
                self.writeInteger(Self.hexDigits[Int(byte & 0x0F)])
            default: self.writeInteger(byte)
            }
        }
    }

    /// Writes `"key":` (the key must not need escaping).
    mutating func writeJSONKey(_ key: StaticString) {
        self.writeInteger(UInt8(ascii: "\""))
        self.writeStaticString(key)
        self.writeStaticString("\":")
    }

    /// Writes an integer in decimal without going through `String`.
    mutating func writeDecimal(_ value: Int) {
        if value < 0 {
            self.writeInteger(UInt8(ascii: "-"))
            self.writeDecimal(UInt(value.magnitude))
        } else {
            self.writeDecimal(UInt(value))
        }
    }

    private mutating func writeDecimal(_ value: UInt) {
        if value >= 10 { self.writeDecimal(value / 10) }
        self.writeInteger(UInt8(ascii: "0") + UInt8(value % 10))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

/// JSON string escaping for building small JSON texts (tool-call arguments) as `String`s.
enum JSONText {
    static func quoted(_ text: String) -> String {
        var buffer = ByteBuffer()
        buffer.writeJSONString(text)
        return String(buffer: buffer)
    }
}
