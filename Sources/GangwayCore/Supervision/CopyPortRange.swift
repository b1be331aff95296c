/// The ports a managed copy's port is drawn from: those outside the kernel's ephemeral range.
///
/// The kernel hands out ports from its ephemeral range (`net.ipv4.ip_local_port_range` on
/// Linux) to every `bind` to port 0 and to the local end of every outgoing connection, and a
/// busy gateway opens many of those. A copy's port from that range can be taken by one of them
/// between Gangway choosing it and the copy binding it, or while the copy is down for a
/// restart; a port outside it is taken only by a program that asks for it by number.
public struct CopyPortRange: Sendable, Equatable {
    /// The ports to draw from, in ascending order, none of them empty.
    public let ranges: [ClosedRange<Int>]

    /// Linux's default ephemeral range, for when the system's cannot be read.
    public static let linuxDefaultEphemeral = 32768...60999

    /// Below 10000 sit the ports that services are configured on by habit (3000, 5432, 8080, ...).
    public static let defaultBounds = 10000...65535

    public init(avoiding ephemeral: ClosedRange<Int>, within bounds: ClosedRange<Int> = Self.defaultBounds) {
        var ranges: [ClosedRange<Int>] = []
        if ephemeral.lowerBound > bounds.lowerBound {
            ranges.append(bounds.lowerBound...min(ephemeral.lowerBound - 1, bounds.upperBound))
        }
        if ephemeral.upperBound < bounds.upperBound {
            ranges.append(max(ephemeral.upperBound + 1, bounds.lowerBound)...bounds.upperBound)
        }
        self.ranges = ranges
    }

    /// How many ports there are to draw from.
    public var count: Int { ranges.reduce(0) { $0 + $1.count } }

    /// The port at `offset` counted across the ranges, wrapping around: any integer names one.
    public func port(at offset: Int) -> Int? {
        let total = count
        guard total > 0 else { return nil }
        var remaining = ((offset % total) + total) % total
        for range in ranges {
            if remaining < range.count { return range.lowerBound + remaining }
            remaining -= range.count
        }
        return nil
    }

    /// Reads the text of `/proc/sys/net/ipv4/ip_local_port_range` ("32768\t60999\n").
    public static func parseEphemeralRange(_ text: String) -> ClosedRange<Int>? {
        let numbers = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map { Int($0) }
        guard numbers.count == 2, let low = numbers[0], let high = numbers[1], 1...65535 ~= low, low...65535 ~= high else {
            return nil
        }
        return low...high
    }
}
