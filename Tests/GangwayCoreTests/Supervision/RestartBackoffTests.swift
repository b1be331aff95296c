import GangwayCore
import Testing

@Suite("Restart backoff")
struct RestartBackoffTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        /// How long each copy ran before it exited, in seconds.
        let uptimes: [Int]
        let delays: [Duration]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "doubles from 1 s while the copy keeps failing fast",
            uptimes: [0, 0, 0, 0, 0], delays: [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16)]),
        Case(
            name: "stops at the 60 s cap",
            uptimes: [0, 0, 0, 0, 0, 0, 0, 0],
            delays: [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32), .seconds(60), .seconds(60)]),
        Case(
            name: "a copy that ran for a minute starts over at 1 s",
            uptimes: [0, 0, 0, 60, 0], delays: [.seconds(1), .seconds(2), .seconds(4), .seconds(1), .seconds(2)]),
        Case(
            name: "59 s is not long enough to count as recovered",
            uptimes: [0, 0, 59], delays: [.seconds(1), .seconds(2), .seconds(4)]),
    ]

    @Test("delays", arguments: cases)
    func delays(_ testCase: Case) {
        var backoff = RestartBackoff()
        let delays = testCase.uptimes.map { backoff.nextDelay(afterRunningFor: .seconds($0)) }
        #expect(delays == testCase.delays)
    }

    @Test("a long crash loop neither overflows nor passes the cap")
    func longLoop() {
        var backoff = RestartBackoff(initial: .milliseconds(250), maximum: .seconds(30), resetAfter: .seconds(10))
        let delays = (0..<500).map { _ in backoff.nextDelay(afterRunningFor: .zero) }
        #expect(delays.prefix(3) == [.milliseconds(250), .milliseconds(500), .seconds(1)])
        #expect(delays.last == .seconds(30))
        #expect(delays.allSatisfy { $0 <= .seconds(30) })
        #expect(backoff.consecutiveFailures == 64)
    }

    @Test("a maximum below the initial delay is raised to it")
    func maximumBelowInitial() {
        var backoff = RestartBackoff(initial: .seconds(5), maximum: .seconds(1))
        #expect(backoff.nextDelay(afterRunningFor: .zero) == .seconds(5))
        #expect(backoff.nextDelay(afterRunningFor: .zero) == .seconds(5))
    }
}
