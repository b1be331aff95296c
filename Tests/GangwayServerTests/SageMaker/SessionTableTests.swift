import Foundation
import Testing

@testable import GangwayServer

@Suite("Stateful session table")
struct SessionTableTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    @Test("a session routes to its instance until it expires")
    func expiry() {
        let table = SessionTable()
        table.open(SessionHeader(id: "s1", expires: now.addingTimeInterval(60)), target: "endpoint a", instance: 1, now: now)
        #expect(table.instance(for: "s1", target: "endpoint a", now: now) == 1)
        #expect(table.instance(for: "s1", target: "endpoint a", now: now.addingTimeInterval(59)) == 1)
        #expect(table.instance(for: "s1", target: "endpoint a", now: now.addingTimeInterval(60)) == nil)
        #expect(table.count == 0)
    }

    @Test("sessions are per model: the same id on another target is another session")
    func perTarget() {
        let table = SessionTable()
        table.open(SessionHeader(id: "s1", expires: nil), target: "endpoint a", instance: 0, now: now)
        table.open(SessionHeader(id: "s1", expires: nil), target: "endpoint b", instance: 2, now: now)
        #expect(table.instance(for: "s1", target: "endpoint a", now: now) == 0)
        #expect(table.instance(for: "s1", target: "endpoint b", now: now) == 2)
        #expect(table.instance(for: "s1", target: "endpoint c", now: now) == nil)
    }

    @Test("closing forgets a session")
    func close() {
        let table = SessionTable()
        table.open(SessionHeader(id: "s1", expires: nil), target: "t", instance: 0, now: now)
        table.close("s1", target: "t")
        #expect(table.instance(for: "s1", target: "t", now: now) == nil)
    }

    @Test("no expiry, or one past the maximum lifetime, is capped at the maximum lifetime")
    func lifetimeCap() {
        let table = SessionTable(maximumLifetime: 100)
        table.open(SessionHeader(id: "a", expires: nil), target: "t", instance: 0, now: now)
        table.open(SessionHeader(id: "b", expires: now.addingTimeInterval(1000)), target: "t", instance: 0, now: now)
        #expect(table.instance(for: "a", target: "t", now: now.addingTimeInterval(99)) == 0)
        #expect(table.instance(for: "a", target: "t", now: now.addingTimeInterval(100)) == nil)
        #expect(table.instance(for: "b", target: "t", now: now.addingTimeInterval(100)) == nil)
    }

    @Test("an already expired session is not opened")
    func alreadyExpired() {
        let table = SessionTable()
        table.open(SessionHeader(id: "a", expires: now.addingTimeInterval(-1)), target: "t", instance: 0, now: now)
        #expect(table.count == 0)
    }

    @Test("when full, expired sessions go first, then the one expiring soonest")
    func capacity() {
        let table = SessionTable(capacity: 2)
        table.open(SessionHeader(id: "short", expires: now.addingTimeInterval(10)), target: "t", instance: 0, now: now)
        table.open(SessionHeader(id: "long", expires: now.addingTimeInterval(100)), target: "t", instance: 1, now: now)
        table.open(SessionHeader(id: "new", expires: now.addingTimeInterval(50)), target: "t", instance: 2, now: now)
        #expect(table.count == 2)
        #expect(table.instance(for: "short", target: "t", now: now) == nil)
        #expect(table.instance(for: "long", target: "t", now: now) == 1)
        let later = now.addingTimeInterval(20)
        table.open(SessionHeader(id: "newer", expires: later.addingTimeInterval(10)), target: "t", instance: 3, now: later)
        #expect(table.instance(for: "long", target: "t", now: later) == 1)
        #expect(table.instance(for: "newer", target: "t", now: later) == 3)
        #expect(table.instance(for: "new", target: "t", now: later) == nil)
    }

    struct HeaderCase: Sendable, CustomTestStringConvertible {
        var value: String
        var id: String?
        var expires: Double?
        var testDescription: String { value }
    }

    @Test(
        "New-Session-Id values",
        arguments: [
            HeaderCase(value: "abc; Expires=2023-11-14T22:13:20Z", id: "abc", expires: 1_700_000_000),
            HeaderCase(value: "abc;Expires=2023-11-14T22:13:20.500Z", id: "abc", expires: 1_700_000_000.5),
            HeaderCase(value: " abc ; expires=2023-11-15T00:13:20+02:00", id: "abc", expires: 1_700_000_000),
            HeaderCase(value: "abc; Expires=1700000000", id: "abc", expires: 1_700_000_000),
            HeaderCase(value: "abc", id: "abc", expires: nil),
            HeaderCase(value: "abc; Expires=tomorrow", id: "abc", expires: nil),
            HeaderCase(value: "abc; Max=3; Expires=2023-11-14T22:13:20Z", id: "abc", expires: 1_700_000_000),
            HeaderCase(value: "; Expires=2023-11-14T22:13:20Z", id: nil, expires: nil),
            HeaderCase(value: "", id: nil, expires: nil),
        ])
    func sessionHeader(_ testCase: HeaderCase) {
        let parsed = SessionHeader(testCase.value)
        #expect(parsed?.id == testCase.id)
        #expect(parsed?.expires?.timeIntervalSince1970 == testCase.expires)
    }
}
