import Foundation
import GangwayCore
import Testing

@testable import GangwayStore

@Suite("Access keys")
struct AccessKeyTests {
    @Test func createReturnsTheSecretOnce() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.createUser(name: "alice")
        let key = try await fixture.store.createAccessKey(userName: "alice")
        #expect(
            key
                == NewAccessKey(
                    metadata: AccessKeyMetadata(
                        accessKeyID: CountingIDGenerator.accessKeyID(1), userName: "alice", status: .active,
                        createDate: ManualClock.start),
                    secretAccessKey: CountingIDGenerator.secret(1)))
        #expect(try await fixture.store.listAccessKeys(userName: "alice") == [key.metadata])
    }

    @Test func atMostTwoKeysPerUser() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.createUser(name: "alice")
        _ = try await fixture.store.createUser(name: "bob")
        let first = try await fixture.store.createAccessKey(userName: "alice")
        fixture.clock.advance(by: 1)
        let second = try await fixture.store.createAccessKey(userName: "alice")
        await #expect(throws: IdentityStoreError(.limitExceeded, "Cannot exceed quota for AccessKeysPerUser: 2")) {
            try await fixture.store.createAccessKey(userName: "alice")
        }
        // The quota is per user.
        _ = try await fixture.store.createAccessKey(userName: "bob")
        #expect(try await fixture.store.listAccessKeys(userName: "alice") == [first.metadata, second.metadata])

        // Deleting one makes room again.
        try await fixture.store.deleteAccessKey(userName: "alice", accessKeyID: first.metadata.accessKeyID)
        _ = try await fixture.store.createAccessKey(userName: "alice")
        #expect(try await fixture.store.listAccessKeys(userName: "alice").count == 2)
    }

    @Test func updateStatus() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.createUser(name: "alice")
        let id = try await fixture.store.createAccessKey(userName: "alice").metadata.accessKeyID
        for status in [AccessKeyStatus.inactive, .active, .inactive] {
            try await fixture.store.updateAccessKey(userName: "alice", accessKeyID: id, status: status)
            #expect(try await fixture.store.listAccessKeys(userName: "alice").map(\.status) == [status])
        }
    }

    @Test func keysOfAnotherUserAreNotFound() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.createUser(name: "alice")
        _ = try await fixture.store.createUser(name: "bob")
        let id = try await fixture.store.createAccessKey(userName: "alice").metadata.accessKeyID
        let notFound = IdentityStoreError(.noSuchEntity, "The Access Key with id \(id) cannot be found.")
        await #expect(throws: notFound) {
            try await fixture.store.updateAccessKey(userName: "bob", accessKeyID: id, status: .inactive)
        }
        await #expect(throws: notFound) {
            try await fixture.store.deleteAccessKey(userName: "bob", accessKeyID: id)
        }
        #expect(try await fixture.store.listAccessKeys(userName: "alice").map(\.status) == [.active])
    }

    @Test func unknownKeysAndUsers() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.createUser(name: "alice")
        await #expect(throws: IdentityStoreError.noSuchAccessKey("AKIANOSUCHKEY234")) {
            try await fixture.store.deleteAccessKey(userName: "alice", accessKeyID: "AKIANOSUCHKEY234")
        }
        await #expect(throws: IdentityStoreError.noSuchUser("carol")) {
            try await fixture.store.createAccessKey(userName: "carol")
        }
        await #expect(throws: IdentityStoreError.noSuchUser("carol")) {
            try await fixture.store.listAccessKeys(userName: "carol")
        }
    }

    @Test func deleteRemovesTheKey() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.createUser(name: "alice")
        let id = try await fixture.store.createAccessKey(userName: "alice").metadata.accessKeyID
        try await fixture.store.deleteAccessKey(userName: "alice", accessKeyID: id)
        #expect(try await fixture.store.listAccessKeys(userName: "alice") == [])
        await #expect(throws: IdentityStoreError.noSuchAccessKey(id)) {
            try await fixture.store.deleteAccessKey(userName: "alice", accessKeyID: id)
        }
    }
}
