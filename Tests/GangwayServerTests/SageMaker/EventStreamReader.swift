import GangwayCore

/// Test-side reader of AWS event-stream messages: splits a response body into messages and
/// checks every length and both CRC-32s, failing loudly on anything malformed.
struct DecodedEvent: Equatable, CustomStringConvertible {
    var headers: [String: String]
    var payload: [UInt8]

    var messageType: String? { headers[":message-type"] }
    var eventType: String? { headers[":event-type"] ?? headers[":exception-type"] }
    var text: String { String(decoding: payload, as: UTF8.self) }
    var description: String { "\(headers) \(text)" }
}

struct EventStreamFormatError: Error, CustomStringConvertible {
    var description: String
}

func decodeEventStream(_ bytes: [UInt8]) throws -> [DecodedEvent] {
    func word(_ offset: Int) -> Int {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
    }
    var events: [DecodedEvent] = []
    var start = 0
    while start < bytes.count {
        guard bytes.count - start >= 16 else { throw EventStreamFormatError(description: "truncated prelude at \(start)") }
        let total = word(start)
        let headersLength = word(start + 4)
        guard total >= 16 + headersLength, start + total <= bytes.count else {
            throw EventStreamFormatError(description: "bad lengths at \(start)")
        }
        guard UInt32(word(start + 8)) == CRC32.checksum(bytes[start..<(start + 8)]) else {
            throw EventStreamFormatError(description: "prelude CRC mismatch at \(start)")
        }
        guard UInt32(word(start + total - 4)) == CRC32.checksum(bytes[start..<(start + total - 4)]) else {
            throw EventStreamFormatError(description: "message CRC mismatch at \(start)")
        }
        var headers: [String: String] = [:]
        var index = start + 12
        let headersEnd = index + headersLength
        while index < headersEnd {
            let nameLength = Int(bytes[index])
            let name = String(decoding: bytes[(index + 1)..<(index + 1 + nameLength)], as: UTF8.self)
            index += 1 + nameLength
            guard bytes[index] == 7 else { throw EventStreamFormatError(description: "header \(name) is not a string") }
            let valueLength = Int(bytes[index + 1]) << 8 | Int(bytes[index + 2])
            headers[name] = String(decoding: bytes[(index + 3)..<(index + 3 + valueLength)], as: UTF8.self)
            index += 3 + valueLength
        }
        events.append(DecodedEvent(headers: headers, payload: Array(bytes[headersEnd..<(start + total - 4)])))
        start += total
    }
    return events
}
