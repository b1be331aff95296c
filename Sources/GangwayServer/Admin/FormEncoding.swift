/// `application/x-www-form-urlencoded`, as the Query protocol's request bodies use it, and the
/// percent-encoding IAM applies to the policy documents it returns.
enum FormEncoding {
    /// Decodes `key=value&key=value`. `+` is a space, `%XX` a byte; the bytes must then be
    /// UTF-8. A repeated key keeps its first value, a pair without `=` has an empty value, and
    /// empty pairs (`&&`) are skipped. Returns `nil` for a malformed escape or invalid UTF-8.
    static func decode(_ body: [UInt8]) -> [String: String]? {
        var form: [String: String] = [:]
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            guard let key = decodeComponent(pair[pair.startIndex..<(equals ?? pair.endIndex)]) else { return nil }
            let value: String
            if let equals {
                guard let decoded = decodeComponent(pair[(equals + 1)...]) else { return nil }
                value = decoded
            } else {
                value = ""
            }
            if form[key] == nil {
                form[key] = value
            }
        }
        return form
    }

    private static func decodeComponent(_ bytes: ArraySlice<UInt8>) -> String? {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "+"):
                decoded.append(UInt8(ascii: " "))
                index += 1
            case UInt8(ascii: "%"):
                guard index + 2 < bytes.endIndex, let high = hexValue(bytes[index + 1]),
                    let low = hexValue(bytes[index + 2])
                else { return nil }
                decoded.append(high << 4 | low)
                index += 3
            default:
                decoded.append(byte)
                index += 1
            }
        }
        return String(validating: decoded, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Percent-encodes every byte but RFC 3986's unreserved characters. IAM returns policy
    /// documents this way, and botocore decodes them (`unquote`) before parsing the JSON.
    static func percentEncode(_ text: String) -> String {
        var encoded = ""
        encoded.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += "%" + hexDigit(byte >> 4) + hexDigit(byte & 0x0F)
            }
        }
        return encoded
    }

    private static func hexDigit(_ value: UInt8) -> String {
        String(UnicodeScalar(value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10))
    }
}
