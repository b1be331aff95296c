@testable import GangwayServer
import Testing

@Suite("Request ids")
struct RequestIDTests {
    @Test("UUID layout, lower-case hex, from the given bits")
    func layout() {
        #expect(RequestID.make(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210) == "01234567-89ab-cdef-fedc-ba9876543210")
        #expect(RequestID.make(high: 0, low: .max) == "00000000-0000-0000-ffff-ffffffffffff")
        #expect(RequestID.make() != RequestID.make())
    }
}
