public import Foundation
import GRDB

extension SQLiteIdentityStore {
    /// A key as read, before its secret is decrypted.
    struct StoredCredential: Sendable {
        var sealed: Data
        var status: String
        var owner: UserRow
        var policies: [UserPolicy]
    }

    public func credential(forAccessKeyID accessKeyID: String) async throws -> AccessKeyCredential? {
        guard IdentityValidation.isPlausibleAccessKeyID(accessKeyID) else { return nil }
        let generation: UInt64
        switch cache.lookup(accessKeyID) {
        case .hit(let entry): return entry.credential
        case .miss(let missedIn): generation = missedIn
        }

        let stored = try await pool.read { db -> StoredCredential? in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT access_keys.sealed_secret, access_keys.status, \(Self.userColumns)
                        FROM access_keys JOIN users ON users.id = access_keys.user
                        WHERE access_keys.access_key_id = ?
                        """,
                    arguments: [accessKeyID])
            else { return nil }
            let owner = self.userRow(row)
            return StoredCredential(
                sealed: row["sealed_secret"], status: row["status"], owner: owner,
                policies: try self.policies(db, of: owner))
        }
        guard let stored else {
            cache.fill(accessKeyID, with: .missing, loadedIn: generation)
            return nil
        }
        // Decrypted outside the read so no database connection waits on AES.
        let credential = AccessKeyCredential(
            accessKeyID: accessKeyID,
            status: try Self.status(stored.status),
            secret: try secretBox.open(stored.sealed, accessKeyID: accessKeyID),
            user: stored.owner.user,
            policies: stored.policies)
        cache.fill(accessKeyID, with: .found(credential), loadedIn: generation)
        return credential
    }

    public func credentialInMemory(forAccessKeyID accessKeyID: String) -> AccessKeyCredential?? {
        guard IdentityValidation.isPlausibleAccessKeyID(accessKeyID) else { return .some(nil) }
        switch cache.lookup(accessKeyID) {
        case .hit(let entry): return .some(entry.credential)
        case .miss: return nil
        }
    }

    public var credentialGeneration: UInt64? { cache.generation }

    public func recordKeyUse(accessKeyID: String, at date: Date) async throws {
        if keyUse.record(accessKeyID, at: date) {
            try await flushKeyUse()
        }
    }

    /// Writes pending last-used dates now. ``recordKeyUse(accessKeyID:at:)`` and ``close()``
    /// call this; a periodic task may too, so that quiet servers also write their dates.
    public func flushKeyUse() async throws {
        let uses = keyUse.take(at: clock())
        guard !uses.isEmpty else { return }
        do {
            // Not through write(): last-used dates are not part of a credential, so the cache stays.
            try await pool.write { db in
                for (accessKeyID, date) in uses {
                    try db.execute(
                        sql: """
                            UPDATE access_keys SET last_used_date = max(coalesce(last_used_date, 0), ?)
                            WHERE access_key_id = ?
                            """,
                        arguments: [date.timeIntervalSince1970, accessKeyID])
                }
            }
        } catch {
            keyUse.restore(uses)
            throw error
        }
    }

    public func createFirstUser(
        name: String,
        policyName: String,
        policyDocument: String,
        beforeCommit: @Sendable (NewAccessKey) throws -> Void
    ) async throws -> NewAccessKey? {
        try IdentityValidation.userName(name)
        try IdentityValidation.policyName(policyName)
        try IdentityValidation.policyDocument(policyDocument)
        let user = IAMUser(
            name: name, path: "/", userID: generator.userID(),
            arn: IAMUser.arn(account: account, path: "/", name: name), createDate: clock())
        return try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM users)") != true else { return nil }
            let owner = try self.insertUser(db, user)
            try self.upsertPolicy(db, owner: owner, name: policyName, document: policyDocument)
            let key = try self.insertAccessKey(db, for: owner)
            try beforeCommit(key)
            return key
        }
    }
}
