/// An IPv4 or IPv6 network (`203.0.113.0/24`, `2001:db8::/32`); a bare address is a /32 or /128.
struct IPAddressRange: Sendable, Equatable {
    /// Sixteen bytes for IPv6; four for IPv4.
    var bytes: [UInt8]
    var prefixLength: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = Self.address(String(parts[0])) else { return nil }
        let maximum = address.count * 8
        if parts.count == 2 {
            guard (1...3).contains(parts[1].utf8.count), let length = CivilTime.digits(ArraySlice(parts[1].utf8)),
                length <= maximum
            else { return nil }
            prefixLength = length
        } else {
            prefixLength = maximum
        }
        bytes = address
    }

    /// Whether `text`, an address, lies in this network. An IPv4-mapped IPv6 address
    /// (`::ffff:192.0.2.1`, how a dual-stack socket reports IPv4 peers) counts as IPv4.
    func contains(_ text: String) -> Bool {
        guard var address = Self.address(text) else { return false }
        if address.count == 16, address[0..<10].allSatisfy({ $0 == 0 }), address[10] == 0xFF, address[11] == 0xFF,
            bytes.count == 4
        {
            address = Array(address[12...])
        }
        guard address.count == bytes.count else { return false }
        var remaining = prefixLength
        for index in 0..<bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            guard address[index] & mask == bytes[index] & mask else { return false }
            remaining -= bits
        }
        return true
    }

    static func address(_ text: String) -> [UInt8]? {
        text.contains(":") ? ipv6(text) : ipv4(Substring(text))
    }

    private static func ipv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.utf8.count), part.utf8.count == 1 || part.first != "0",
                let value = CivilTime.digits(ArraySlice(part.utf8)), value <= 255
            else { return nil }
            out.append(UInt8(value))
        }
        return out
    }

    private static func ipv6(_ text: String) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            guard !part.isEmpty else { return [] }
            var out: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = ipv4(piece) else { return nil }
                    out += v4
                    continue
                }
                guard (1...4).contains(piece.utf8.count) else { return nil }
                var value: UInt16 = 0
                for byte in piece.utf8 {
                    guard let digit = SigV4Encoding.hexValue(byte) else { return nil }
                    value = value << 4 | UInt16(digit)
                }
                out += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 {
            return head.count == 16 ? head : nil
        }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}
