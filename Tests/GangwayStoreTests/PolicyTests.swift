import Foundation
import Testing

@testable import GangwayStore

@Suite("Inline user policies")
struct PolicyTests {
    @Test func putGetListDelete() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.createUser(name: "alice")
        // Kept byte for byte, whitespace included.
        let spaced = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []\n}"
        try await fixture.store.putUserPolicy(userName: "alice", policyName: "zeta", document: spaced)
        try await fixture.store.putUserPolicy(userName: "alice", policyName: "alpha", document: Fixture.readOnlyPolicy)

        #expect(
            try await fixture.store.getUserPolicy(userName: "alice", policyName: "zeta")
                == UserPolicy(userName: "alice", policyName: "zeta", document: spaced))
        #expect(try await fixture.store.listUserPolicies(userName: "alice") == ["alpha", "zeta"])

        try await fixture.store.deleteUserPolicy(userName: "alice", policyName: "zeta")
        #expect(try await fixture.store.listUserPolicies(userName: "alice") == ["alpha"])
    }

    @Test func putReplacesAPolicyOfTheSameName() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.createUser(name: "alice")
        try await fixture.store.putUserPolicy(userName: "alice", policyName: "p", document: Fixture.readOnlyPolicy)
        try await fixture.store.putUserPolicy(
            userName: "alice", policyName: "p", document: IdentityBootstrap.policyDocument)
        #expect(
            try await fixture.store.getUserPolicy(userName: "alice", policyName: "P").document
                == IdentityBootstrap.policyDocument)
        #expect(try await fixture.store.listUserPolicies(userName: "alice") == ["p"])
    }

    @Test func policiesBelongToTheirUser() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.createUser(name: "alice")
        _ = try await fixture.store.createUser(name: "bob")
        try await fixture.store.putUserPolicy(userName: "alice", policyName: "p", document: Fixture.readOnlyPolicy)
        #expect(try await fixture.store.listUserPolicies(userName: "bob") == [])
        let notFound = IdentityStoreError(.noSuchEntity, "The user policy with name p cannot be found for user bob.")
        await #expect(throws: notFound) {
            try await fixture.store.getUserPolicy(userName: "bob", policyName: "p")
        }
        await #expect(throws: notFound) {
            try await fixture.store.deleteUserPolicy(userName: "bob", policyName: "p")
        }
    }

    @Test func missingUser() async throws {
        let fixture = try StoreFixture()
        await #expect(throws: IdentityStoreError.noSuchUser("carol")) {
            try await fixture.store.putUserPolicy(userName: "carol", policyName: "p", document: Fixture.readOnlyPolicy)
        }
        await #expect(throws: IdentityStoreError.noSuchUser("carol")) {
            try await fixture.store.listUserPolicies(userName: "carol")
        }
    }

    @Test(arguments: [
        ("", Fixture.readOnlyPolicy),
        (String(repeating: "p", count: 129), Fixture.readOnlyPolicy),
        ("has space", Fixture.readOnlyPolicy),
        ("ok", ""),
        ("ok", String(repeating: " ", count: 131_073)),
    ])
    func invalidInput(policyName: String, document: String) async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.createUser(name: "alice")
        let error = await #expect(throws: IdentityStoreError.self) {
            try await fixture.store.putUserPolicy(userName: "alice", policyName: policyName, document: document)
        }
        #expect(error?.code == .invalidInput)
        #expect(try await fixture.store.listUserPolicies(userName: "alice") == [])
    }
}
