/// One header of an AWS event-stream message. Only string values (type 7) are modelled:
/// they are all that SageMaker's response streams carry (`:message-type`, `:event-type`,
/// `:exception-type`, `:content-type`).
public struct EventStreamHeader: Sendable, Equatable {
    public let name: String
    public let value: String

    /// The wire's limits: a one-byte name length and a two-byte (signed) value length.
    public static let maximumNameBytes = 255
    public static let maximumValueBytes = 32_767

    public init(_ name: String, _ value: String) {
        precondition(
            (1...Self.maximumNameBytes).contains(name.utf8.count) && value.utf8.count <= Self.maximumValueBytes,
            "event-stream header too long")
        self.name = name
        self.value = value
    }

    /// The header as it is written: name length, name, type 7 (string), value length, value.
    var encoded: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4 + name.utf8.count + value.utf8.count)
        bytes.append(UInt8(name.utf8.count))
        bytes.append(contentsOf: name.utf8)
        bytes.append(7)
        let length = UInt16(value.utf8.count)
        bytes.append(UInt8(length >> 8))
        bytes.append(UInt8(length & 0xFF))
        bytes.append(contentsOf: value.utf8)
        return bytes
    }
}
