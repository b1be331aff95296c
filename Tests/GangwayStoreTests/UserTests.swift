import Foundation
import Testing

@testable import GangwayStore

@Suite("Users")
struct UserTests {
    @Test func createGetAndList() async throws {
        let fixture = try StoreFixture()
        let alice = try await fixture.store.createUser(name: "alice")
        #expect(
            alice
                == IAMUser(
                    name: "alice", path: "/", userID: CountingIDGenerator.userID(1),
                    arn: "arn:aws:iam::123456789012:user/alice", createDate: ManualClock.start))
        fixture.clock.advance(by: 5)
        let bob = try await fixture.store.createUser(name: "Bob", path: "/team/")
        #expect(bob.arn == "arn:aws:iam::123456789012:user/team/Bob")
        #expect(bob.createDate == ManualClock.start.addingTimeInterval(5))

        #expect(try await fixture.store.getUser(name: "alice") == alice)
        #expect(try await fixture.store.listUsers() == [alice, bob])
        #expect(try await fixture.store.listUsers(pathPrefix: "/team/") == [bob])
        #expect(try await fixture.store.listUsers(pathPrefix: "/other/") == [])
    }

    @Test func namesIgnoreCaseButKeepTheirSpelling() async throws {
        let fixture = try StoreFixture()
        let created = try await fixture.store.createUser(name: "Alice")
        #expect(try await fixture.store.getUser(name: "ALICE") == created)
        let error = await #expect(throws: IdentityStoreError.self) {
            try await fixture.store.createUser(name: "alice")
        }
        #expect(error == IdentityStoreError(.entityAlreadyExists, "User with name alice already exists."))
    }

    @Test func missingUser() async throws {
        let fixture = try StoreFixture()
        let error = await #expect(throws: IdentityStoreError.self) {
            try await fixture.store.getUser(name: "nobody")
        }
        #expect(error == IdentityStoreError(.noSuchEntity, "The user with name nobody cannot be found."))
        await #expect(throws: IdentityStoreError.noSuchUser("nobody")) {
            try await fixture.store.deleteUser(name: "nobody")
        }
    }

    @Test func deleteUser() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.createUser(name: "alice")
        try await fixture.store.deleteUser(name: "alice")
        #expect(try await fixture.store.listUsers() == [])
        // The name is free again.
        _ = try await fixture.store.createUser(name: "alice")
    }

    @Test func deleteRefusedWhileKeysOrPoliciesRemain() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.createUser(name: "alice")
        let key = try await fixture.store.createAccessKey(userName: "alice")
        try await fixture.store.putUserPolicy(userName: "alice", policyName: "read", document: Fixture.readOnlyPolicy)

        await #expect(
            throws: IdentityStoreError(.deleteConflict, "Cannot delete entity, must delete access keys first.")
        ) {
            try await fixture.store.deleteUser(name: "alice")
        }
        try await fixture.store.deleteAccessKey(userName: "alice", accessKeyID: key.metadata.accessKeyID)
        await #expect(throws: IdentityStoreError(.deleteConflict, "Cannot delete entity, must delete policies first."))
        {
            try await fixture.store.deleteUser(name: "alice")
        }
        try await fixture.store.deleteUserPolicy(userName: "alice", policyName: "read")
        try await fixture.store.deleteUser(name: "alice")
        #expect(try await fixture.store.listUsers() == [])
    }

    @Test(arguments: ["", String(repeating: "a", count: 65), "a b", "al/ice", "élise", "a:b", "*"])
    func invalidUserNames(name: String) async throws {
        let fixture = try StoreFixture()
        let error = await #expect(throws: IdentityStoreError.self) {
            try await fixture.store.createUser(name: name)
        }
        #expect(error?.code == .invalidInput)
        #expect(try await fixture.store.listUsers() == [])
    }

    @Test(arguments: ["a", String(repeating: "a", count: 64), "alice.smith@example.com", "A_b+c=d,e-f9"])
    func validUserNames(name: String) async throws {
        let fixture = try StoreFixture()
        #expect(try await fixture.store.createUser(name: name).name == name)
    }

    @Test(arguments: [
        ("/", "arn:aws:iam::123456789012:user/alice"),
        ("/a/", "arn:aws:iam::123456789012:user/a/alice"),
        ("/a/b-c/", "arn:aws:iam::123456789012:user/a/b-c/alice"),
    ])
    func pathsShapeTheARN(path: String, arn: String) async throws {
        let fixture = try StoreFixture()
        let user = try await fixture.store.createUser(name: "alice", path: path)
        #expect(user.path == path)
        #expect(user.arn == arn)
        #expect(try await fixture.store.getUser(name: "alice").arn == arn)
    }

    @Test(arguments: ["", "a/", "/a", "/a b/", "/é/"])
    func invalidPaths(path: String) async throws {
        let fixture = try StoreFixture()
        let error = await #expect(throws: IdentityStoreError.self) {
            try await fixture.store.createUser(name: "alice", path: path)
        }
        #expect(error?.code == .invalidInput)
    }
}
