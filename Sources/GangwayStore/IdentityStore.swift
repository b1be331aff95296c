public import Foundation

/// Persistence for IAM users, their access keys and their inline policies.
///
/// Refusals are thrown as ``IdentityStoreError`` (each code is an IAM error code); failures of
/// the storage underneath are thrown as they come. User and policy names are matched without
/// regard to case, as IAM does, and returned as they were created.
///
/// Implementations keep ``credential(forAccessKeyID:)`` cheap enough for every request: it is
/// the hot path of authentication, and every write through the store must be visible to it
/// as soon as the write returns.
public protocol IdentityStore: Sendable {
    /// The account in every ARN this store hands out.
    var account: String { get }

    // MARK: Users

    /// Creates a user. Throws `entityAlreadyExists` if the name is taken (ignoring case).
    func createUser(name: String, path: String) async throws -> IAMUser
    func getUser(name: String) async throws -> IAMUser
    /// All users whose path starts with `pathPrefix`, ordered by name.
    func listUsers(pathPrefix: String) async throws -> [IAMUser]
    /// Deletes a user that has no access keys and no policies left (`deleteConflict` otherwise,
    /// as IAM refuses `DeleteUser` then).
    func deleteUser(name: String) async throws

    // MARK: Access keys

    /// Creates an Active key for the user, at most two per user (`limitExceeded`). The returned
    /// secret is the only copy ever handed out.
    func createAccessKey(userName: String) async throws -> NewAccessKey
    /// The user's keys, oldest first.
    func listAccessKeys(userName: String) async throws -> [AccessKeyMetadata]
    /// Throws `noSuchEntity` when the key does not exist or belongs to another user.
    func updateAccessKey(userName: String, accessKeyID: String, status: AccessKeyStatus) async throws
    func deleteAccessKey(userName: String, accessKeyID: String) async throws

    // MARK: Inline user policies

    /// Adds the policy or replaces the one of the same name. The document is stored verbatim;
    /// checking its grammar is the caller's job.
    func putUserPolicy(userName: String, policyName: String, document: String) async throws
    func getUserPolicy(userName: String, policyName: String) async throws -> UserPolicy
    /// Policy names, ordered.
    func listUserPolicies(userName: String) async throws -> [String]
    func deleteUserPolicy(userName: String, policyName: String) async throws

    // MARK: Hot path

    /// The key with its decrypted secret, its user and the user's policies; `nil` if there is
    /// no such key. Inactive keys are returned too (with their status) so the caller can say so.
    func credential(forAccessKeyID accessKeyID: String) async throws -> AccessKeyCredential?
    /// What ``credential(forAccessKeyID:)`` would answer, when memory already holds the answer:
    /// `.some(nil)` for a key known not to exist, `nil` when only the storage can say. Lets the
    /// network's event loop authenticate without waiting.
    func credentialInMemory(forAccessKeyID accessKeyID: String) -> AccessKeyCredential??
    /// A number that stays the same for as long as every answer of
    /// ``credentialInMemory(forAccessKeyID:)`` and ``credential(forAccessKeyID:)`` stays the
    /// same: it moves on with every write. A connection that remembers its last admission admits
    /// the next request without a lookup while the number read before that admission is
    /// current. Nil for a store that holds no credentials in memory (nothing is remembered).
    var credentialGeneration: UInt64? { get }
    /// Notes that the key signed an accepted request. Cheap: uses may be held in memory and
    /// written in batches, so a crash can lose the latest last-used dates (and nothing else).
    func recordKeyUse(accessKeyID: String, at date: Date) async throws

    // MARK: First start

    /// In one transaction, and only if the store holds no users: creates the user with one
    /// inline policy and one access key, then calls `beforeCommit` with the new key before the
    /// transaction commits. If `beforeCommit` throws, nothing is stored. Returns `nil` (and
    /// does not call `beforeCommit`) when the store already has users.
    ///
    /// ``IdentityStore/bootstrapIfEmpty(credentialsFile:)`` builds first start on this.
    func createFirstUser(
        name: String,
        policyName: String,
        policyDocument: String,
        beforeCommit: @Sendable (NewAccessKey) throws -> Void
    ) async throws -> NewAccessKey?

    // MARK: Lifecycle

    /// Writes what is held in memory (last-used dates) and releases the storage. The store
    /// must not be used afterwards.
    func close() async throws
}

extension IdentityStore {
    public func credentialInMemory(forAccessKeyID accessKeyID: String) -> AccessKeyCredential?? { nil }
    public var credentialGeneration: UInt64? { nil }

    /// Creates a user with the default path `/`.
    public func createUser(name: String) async throws -> IAMUser {
        try await createUser(name: name, path: "/")
    }

    /// All users, ordered by name.
    public func listUsers() async throws -> [IAMUser] {
        try await listUsers(pathPrefix: "/")
    }
}
