import Foundation
import Crypto

/// Byte-level helpers shared by the signer and the verifiers.
///
/// Everything works on UTF-8 bytes rather than `Character`s: SigV4 is defined over bytes, and
/// grapheme-aware string APIs would both cost time and change results for odd input.
enum SigV4Encoding {
    private static let hexDigits = Array("0123456789ABCDEF".utf8)
    private static let lowerHexDigits = Array("0123456789abcdef".utf8)

    /// RFC 3986 unreserved characters: the only bytes SigV4 leaves unencoded.
    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
            UInt8(ascii: "."), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Percent-encodes every byte except the unreserved ones (and `/` when `keepSlash`),
    /// with upper-case hex, as SigV4 requires.
    static func percentEncode(_ bytes: some Sequence<UInt8>, keepSlash: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount)
        for byte in bytes {
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func percentEncode(_ string: String, keepSlash: Bool = false) -> String {
        percentEncode(string.utf8, keepSlash: keepSlash)
    }

    /// Decodes `%XX` escapes; a `%` not followed by two hex digits is kept literally.
    /// `+` is not a space here: SigV4 query strings are RFC 3986, not HTML forms.
    static func percentDecode(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }

    /// Decoding then re-encoding normalises a value that a client may have encoded loosely
    /// (lower-case hex, unreserved characters escaped) into the one form SigV4 signs.
    static func normalize(_ bytes: ArraySlice<UInt8>) -> String {
        percentEncode(percentDecode(bytes))
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func lowerHex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(lowerHexDigits[Int(byte >> 4)])
            out.append(lowerHexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses exactly 64 lower-case hex digits (how SigV4 writes a SHA-256 or HMAC value).
    static func parseLowerHex32(_ string: Substring) -> [UInt8]? {
        let utf8 = Array(string.utf8)
        guard utf8.count == 64 else { return nil }
        var out = [UInt8](repeating: 0, count: 32)
        for index in 0..<32 {
            let high = utf8[2 * index]
            let low = utf8[2 * index + 1]
            guard let highValue = lowerHexValue(high), let lowValue = lowerHexValue(low) else { return nil }
            out[index] = highValue << 4 | lowValue
        }
        return out
    }

    @inline(__always)
    private static func lowerHexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    static func sha256Hex(_ bytes: some DataProtocol) -> String {
        lowerHex(SHA256.hash(data: bytes))
    }

    static func sha256Hex(_ string: String) -> String {
        sha256Hex(Array(string.utf8))
    }

    /// The SHA-256 of an empty payload, which a bearer token's canonical request always uses.
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// SigV4's "trimall": strip leading/trailing whitespace and collapse inner runs to one space.
    /// The whitespace set is Python's `str.split()` over ASCII, so values match what botocore signs.
    static func trimAll(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for byte in value.utf8 {
            if isWhitespace(byte) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace {
                    out.append(UInt8(ascii: " "))
                    pendingSpace = false
                }
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte) || (0x1C...0x1F).contains(byte)
    }

    /// Lower-cases ASCII letters only; header names and SigV4 identifiers are ASCII.
    static func asciiLowercased(_ string: some StringProtocol) -> String {
        var bytes = Array(string.utf8)
        for index in bytes.indices where (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[index]) {
            bytes[index] += 32
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
