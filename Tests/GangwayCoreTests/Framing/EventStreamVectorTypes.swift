import Testing

/// One event-stream message framed from its definition and read back by botocore.
struct EventStreamVector: Sendable, CustomTestStringConvertible {
    var name: String
    var headers: [(String, String)]
    var payloadHex: String
    var messageHex: String

    var testDescription: String { name }
    var payload: [UInt8] { bytes(hex: payloadHex) }
    var message: [UInt8] { bytes(hex: messageHex) }
}

/// A CRC-32 known answer from zlib.
struct CRC32Vector: Sendable, CustomTestStringConvertible {
    var name: String
    var inputHex: String
    var checksum: UInt32

    var testDescription: String { name }
    var input: [UInt8] { bytes(hex: inputHex) }
}

func bytes(hex: String) -> [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(hex.utf8.count / 2)
    var iterator = hex.utf8.makeIterator()
    while let high = iterator.next(), let low = iterator.next() {
        result.append(UInt8(hexDigit(high) << 4 | hexDigit(low)))
    }
    return result
}

private func hexDigit(_ ascii: UInt8) -> UInt8 {
    switch ascii {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): ascii - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): ascii - UInt8(ascii: "a") + 10
    default: preconditionFailure("not a lower-case hex digit")
    }
}
