import Foundation
import GangwayCore
import Testing

@testable import GangwayStore

@Suite("Credential lookup and its cache")
struct CredentialLookupTests {
    @Test func lookupCarriesKeyUserAndPolicies() async throws {
        let fixture = try StoreFixture()
        let alice = try await fixture.store.createUser(name: "alice")
        let key = try await fixture.store.createAccessKey(userName: "alice")
        try await fixture.store.putUserPolicy(userName: "alice", policyName: "read", document: Fixture.readOnlyPolicy)

        let credential = try await fixture.store.credential(forAccessKeyID: key.metadata.accessKeyID)
        #expect(
            credential
                == AccessKeyCredential(
                    accessKeyID: key.metadata.accessKeyID, status: .active, secret: CountingIDGenerator.secret(1),
                    user: alice,
                    policies: [UserPolicy(userName: "alice", policyName: "read", document: Fixture.readOnlyPolicy)]))
    }

    @Test(arguments: ["AKIANOSUCHKEY234", "", "short", String(repeating: "A", count: 200)])
    func unknownKeysAreNil(accessKeyID: String) async throws {
        let fixture = try StoreFixture()
        #expect(try await fixture.store.credential(forAccessKeyID: accessKeyID) == nil)
    }

    @Test func secondLookupIsServedFromTheCache() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.createUser(name: "alice")
        let id = try await fixture.store.createAccessKey(userName: "alice").metadata.accessKeyID
        guard case .miss = fixture.store.cache.lookup(id) else {
            Issue.record("a write must leave nothing cached")
            return
        }
        let first = try await fixture.store.credential(forAccessKeyID: id)
        guard case .hit(.found(let cached)) = fixture.store.cache.lookup(id) else {
            Issue.record("a lookup must fill the cache")
            return
        }
        #expect(cached == first)
    }

    /// Each write must show in the very next lookup, though the previous one was cached.
    @Test func everyWriteInvalidates() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        _ = try await store.createUser(name: "alice")
        let id = try await store.createAccessKey(userName: "alice").metadata.accessKeyID
        #expect(try await store.credential(forAccessKeyID: id)?.status == .active)

        try await store.updateAccessKey(userName: "alice", accessKeyID: id, status: .inactive)
        #expect(try await store.credential(forAccessKeyID: id)?.status == .inactive)

        try await store.putUserPolicy(userName: "alice", policyName: "read", document: Fixture.readOnlyPolicy)
        #expect(try await store.credential(forAccessKeyID: id)?.policies.map(\.policyName) == ["read"])

        try await store.putUserPolicy(userName: "alice", policyName: "read", document: IdentityBootstrap.policyDocument)
        #expect(
            try await store.credential(forAccessKeyID: id)?.policies.map(\.document) == [
                IdentityBootstrap.policyDocument
            ])

        try await store.deleteUserPolicy(userName: "alice", policyName: "read")
        #expect(try await store.credential(forAccessKeyID: id)?.policies == [])

        try await store.deleteAccessKey(userName: "alice", accessKeyID: id)
        #expect(try await store.credential(forAccessKeyID: id) == nil)
    }

    @Test func unknownKeyIsForgottenOnceCreated() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.createUser(name: "alice")
        let upcoming = CountingIDGenerator.accessKeyID(1)
        #expect(try await fixture.store.credential(forAccessKeyID: upcoming) == nil)
        _ = try await fixture.store.createAccessKey(userName: "alice")
        #expect(try await fixture.store.credential(forAccessKeyID: upcoming)?.accessKeyID == upcoming)
    }

    @Test func aFillFromBeforeAWriteIsDropped() throws {
        let cache = CredentialCache()
        guard case .miss(let generation) = cache.lookup("AKIAEXAMPLEKEY23") else {
            Issue.record("empty cache answered")
            return
        }
        cache.invalidate()
        cache.fill("AKIAEXAMPLEKEY23", with: .missing, loadedIn: generation)
        guard case .miss(let next) = cache.lookup("AKIAEXAMPLEKEY23") else {
            Issue.record("a stale fill was kept")
            return
        }
        cache.fill("AKIAEXAMPLEKEY23", with: .missing, loadedIn: next)
        guard case .hit(.missing) = cache.lookup("AKIAEXAMPLEKEY23") else {
            Issue.record("a current fill was dropped")
            return
        }
    }

    /// A connection's remembered admission holds for as long as the generation stays: every
    /// write must move it on, and nothing else may.
    @Test func everyWriteStartsANewGeneration() async throws {
        let fixture = try StoreFixture()
        let store = fixture.store
        let start = try #require(store.credentialGeneration)
        let user = try await store.createUser(name: "generation-check")
        let afterUser = try #require(store.credentialGeneration)
        #expect(afterUser != start)
        let key = try await store.createAccessKey(userName: user.name).metadata.accessKeyID
        let afterKey = try #require(store.credentialGeneration)
        #expect(afterKey != afterUser)
        // Reads, in memory or from the database, leave it as it is.
        _ = try await store.credential(forAccessKeyID: key)
        _ = store.credentialInMemory(forAccessKeyID: key)
        #expect(store.credentialGeneration == afterKey)
        try await store.updateAccessKey(userName: user.name, accessKeyID: key, status: .inactive)
        #expect(store.credentialGeneration != afterKey)
    }

    @Test func cacheStaysBounded() {
        let cache = CredentialCache(capacity: 3)
        for n in 0..<4 {
            guard case .miss(let generation) = cache.lookup("key\(n)") else { continue }
            cache.fill("key\(n)", with: .missing, loadedIn: generation)
        }
        // The fourth entry started the cache over.
        guard case .miss = cache.lookup("key0"), case .hit = cache.lookup("key3") else {
            Issue.record("the cache grew past its capacity")
            return
        }
    }
}
