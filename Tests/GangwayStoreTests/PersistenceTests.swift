import Foundation
import Testing

@testable import GangwayStore

@Suite("Persistence")
struct PersistenceTests {
    @Test func everythingSurvivesAReopen() async throws {
        let fixture = try StoreFixture()
        let alice = try await fixture.store.createUser(name: "alice", path: "/team/")
        let key = try await fixture.store.createAccessKey(userName: "alice")
        try await fixture.store.updateAccessKey(
            userName: "alice", accessKeyID: key.metadata.accessKeyID, status: .inactive)
        try await fixture.store.putUserPolicy(userName: "alice", policyName: "read", document: Fixture.readOnlyPolicy)
        try await fixture.store.close()

        let reopened = try fixture.reopen()
        #expect(try await reopened.listUsers() == [alice])
        var metadata = key.metadata
        metadata.status = .inactive
        #expect(try await reopened.listAccessKeys(userName: "alice") == [metadata])
        #expect(
            try await reopened.getUserPolicy(userName: "alice", policyName: "read").document == Fixture.readOnlyPolicy)
        let credential = try await reopened.credential(forAccessKeyID: key.metadata.accessKeyID)
        #expect(credential?.secret == key.secretAccessKey)
        #expect(credential?.status == .inactive)
        try await reopened.close()
    }

    /// A write that returned is on disk even if the process never closes the store.
    @Test func writesAreDurableWithoutClose() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.createUser(name: "alice")
        let key = try await fixture.store.createAccessKey(userName: "alice")
        let second = try fixture.reopen()
        #expect(try await second.credential(forAccessKeyID: key.metadata.accessKeyID)?.secret == key.secretAccessKey)
        try await second.close()
    }

    @Test func aDifferentMasterKeyIsRefusedAtOpen() async throws {
        let fixture = try StoreFixture()
        try await fixture.store.close()
        let other = try SecretBox(keyBytes: Array(repeating: 7, count: 32))
        let error = #expect(throws: StoreSetupError.self) {
            try fixture.reopen(secretBox: other)
        }
        #expect(error?.message.contains("does not match") == true)
        // The right key still opens it.
        try await fixture.reopen().close()
    }

    @Test func usesWALInTheDataDirectory() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.createUser(name: "alice")
        let database = fixture.directory.data.database
        #expect(database.lastPathComponent == "gangway.sqlite")
        #expect(FileManager.default.fileExists(atPath: database.path + "-wal"))
        try await fixture.store.close()
    }
}
