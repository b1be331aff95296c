import Foundation
import Testing

@testable import GangwayStore

@Suite("Last-used dates")
struct KeyUseTests {
    @Test func usesShowBeforeAndAfterTheyAreWritten() async throws {
        let fixture = try StoreFixture(keyUseFlushInterval: 60)
        _ = try await fixture.store.createUser(name: "alice")
        let id = try await fixture.store.createAccessKey(userName: "alice").metadata.accessKeyID
        #expect(try await fixture.store.listAccessKeys(userName: "alice").map(\.lastUsedDate) == [nil])

        let used = ManualClock.start.addingTimeInterval(10)
        try await fixture.store.recordKeyUse(accessKeyID: id, at: used)
        #expect(try await fixture.store.listAccessKeys(userName: "alice").map(\.lastUsedDate) == [used])

        // An earlier use reported late does not move the date back.
        try await fixture.store.recordKeyUse(accessKeyID: id, at: ManualClock.start.addingTimeInterval(5))
        try await fixture.store.close()
        let reopened = try fixture.reopen()
        #expect(try await reopened.listAccessKeys(userName: "alice").map(\.lastUsedDate) == [used])
        try await reopened.close()
    }

    @Test func usesAreWrittenOnceTheIntervalHasPassed() async throws {
        let fixture = try StoreFixture(keyUseFlushInterval: 60)
        _ = try await fixture.store.createUser(name: "alice")
        let id = try await fixture.store.createAccessKey(userName: "alice").metadata.accessKeyID
        let early = ManualClock.start.addingTimeInterval(30)
        let due = ManualClock.start.addingTimeInterval(60)
        try await fixture.store.recordKeyUse(accessKeyID: id, at: early)
        // A second store on the same file sees only what was written.
        let observer = try fixture.reopen()
        #expect(try await observer.listAccessKeys(userName: "alice").map(\.lastUsedDate) == [nil])
        try await fixture.store.recordKeyUse(accessKeyID: id, at: due)
        #expect(try await observer.listAccessKeys(userName: "alice").map(\.lastUsedDate) == [due])
        try await observer.close()
        try await fixture.store.close()
    }

    @Test func usesOfDeletedKeysAreDropped() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.createUser(name: "alice")
        let id = try await fixture.store.createAccessKey(userName: "alice").metadata.accessKeyID
        try await fixture.store.recordKeyUse(accessKeyID: id, at: ManualClock.start)
        try await fixture.store.deleteAccessKey(userName: "alice", accessKeyID: id)
        try await fixture.store.flushKeyUse()
        #expect(try await fixture.store.listAccessKeys(userName: "alice") == [])
    }
}
