/// Standard-alphabet, padded base64, decoded strictly.
///
/// Foundation's decoder tolerates things a token must not have (non-zero trailing bits, for one),
/// and a token must have exactly one spelling or two different strings would verify alike.
enum StrictBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        return table
    }()

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            out.append(alphabet[Int(chunk >> 6 & 63)])
            out.append(alphabet[Int(chunk & 63)])
            index += 3
        }
        let remaining = bytes.count - index
        if remaining > 0 {
            let second = remaining == 2 ? UInt32(bytes[index + 1]) << 8 : 0
            let chunk = UInt32(bytes[index]) << 16 | second
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            out.append(remaining == 2 ? alphabet[Int(chunk >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `nil` unless the input is a non-empty multiple of 4 characters from the alphabet, with
    /// at most two `=` only at the end and zero bits where padding leaves bits unused.
    static func decode(_ text: Substring) -> [UInt8]? {
        let input = Array(text.utf8)
        guard !input.isEmpty, input.count % 4 == 0 else { return nil }
        var padding = 0
        if input[input.count - 1] == UInt8(ascii: "=") {
            padding = input[input.count - 2] == UInt8(ascii: "=") ? 2 : 1
        }
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var index = 0
        while index < input.count {
            let isLast = index + 4 == input.count
            let used = isLast ? 4 - padding : 4
            var chunk: UInt32 = 0
            for offset in 0..<4 {
                chunk <<= 6
                guard offset < used else { continue }  // a `=` already checked above
                let value = decodeTable[Int(input[index + offset])]
                guard value != 0xFF else { return nil }
                chunk |= UInt32(value)
            }
            out.append(UInt8(chunk >> 16 & 0xFF))
            switch used {
            case 2:
                guard chunk & 0xFFFF == 0 else { return nil }
            case 3:
                out.append(UInt8(chunk >> 8 & 0xFF))
                guard chunk & 0xFF == 0 else { return nil }
            default:
                out.append(UInt8(chunk >> 8 & 0xFF))
                out.append(UInt8(chunk & 0xFF))
            }
            index += 4
        }
        return out
    }
}
