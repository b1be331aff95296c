import GangwayCore
import Testing

@Suite("Ports for managed copies")
struct CopyPortRangeTests {
    @Test("the default ephemeral range leaves the ports below it and above it")
    func defaultRange() {
        let ports = CopyPortRange(avoiding: 32768...60999)
        #expect(ports.ranges == [10000...32767, 61000...65535])
        #expect(ports.count == 22768 + 4536)
    }

    @Test("a range that reaches either bound leaves only the other side")
    func rangeAtTheBounds() {
        #expect(CopyPortRange(avoiding: 1024...40000).ranges == [40001...65535])
        #expect(CopyPortRange(avoiding: 20000...65535).ranges == [10000...19999])
        #expect(CopyPortRange(avoiding: 1024...65535).ranges == [])
        #expect(CopyPortRange(avoiding: 1024...65535).port(at: 7) == nil)
    }

    @Test("offsets count across both ranges and wrap around, negative ones included")
    func offsets() {
        let ports = CopyPortRange(avoiding: 32768...60999)
        #expect(ports.port(at: 0) == 10000)
        #expect(ports.port(at: 22767) == 32767)
        #expect(ports.port(at: 22768) == 61000)
        #expect(ports.port(at: ports.count - 1) == 65535)
        #expect(ports.port(at: ports.count) == 10000)
        #expect(ports.port(at: -1) == 65535)
        let all = (0..<ports.count).compactMap { ports.port(at: $0) }
        #expect(Set(all).count == ports.count)
        #expect(!all.contains { 32768...60999 ~= $0 })
    }

    @Test("the kernel's range is read from its proc file's text", arguments: [
        ("32768\t60999\n", 32768...60999 as ClosedRange<Int>?),
        ("1024 65000", 1024...65000),
        ("", nil), ("32768", nil), ("60999\t32768\n", nil), ("0\t100\n", nil), ("a\tb\n", nil), ("1\t70000", nil),
    ])
    func parse(text: String, expected: ClosedRange<Int>?) {
        #expect(CopyPortRange.parseEphemeralRange(text) == expected)
    }
}
