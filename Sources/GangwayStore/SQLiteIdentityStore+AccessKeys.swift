import Foundation
import GRDB

extension SQLiteIdentityStore {
    public func createAccessKey(userName: String) async throws -> NewAccessKey {
        try IdentityValidation.userName(userName)
        return try await write { db in
            try self.insertAccessKey(db, for: try self.requireUser(db, name: userName))
        }
    }

    public func listAccessKeys(userName: String) async throws -> [AccessKeyMetadata] {
        try IdentityValidation.userName(userName)
        let keys = try await pool.read { db in
            let owner = try self.requireUser(db, name: userName)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT access_key_id, status, create_date, last_used_date FROM access_keys
                    WHERE user = ? ORDER BY create_date, access_key_id
                    """,
                arguments: [owner.rowID]
            ).map { row in
                let lastUsed: Double? = row["last_used_date"]
                return AccessKeyMetadata(
                    accessKeyID: row["access_key_id"],
                    userName: owner.user.name,
                    status: try Self.status(row["status"]),
                    createDate: Date(timeIntervalSince1970: row["create_date"]),
                    lastUsedDate: lastUsed.map(Date.init(timeIntervalSince1970:)))
            }
        }
        // Uses not yet written still count.
        return keys.map { key in
            var key = key
            if let pending = keyUse.pending(key.accessKeyID) {
                key.lastUsedDate = max(pending, key.lastUsedDate ?? pending)
            }
            return key
        }
    }

    public func updateAccessKey(userName: String, accessKeyID: String, status: AccessKeyStatus) async throws {
        try IdentityValidation.userName(userName)
        try await write { db in
            let owner = try self.requireUser(db, name: userName)
            try db.execute(
                sql: "UPDATE access_keys SET status = ? WHERE access_key_id = ? AND user = ?",
                arguments: [status.rawValue, accessKeyID, owner.rowID])
            if db.changesCount == 0 { throw IdentityStoreError.noSuchAccessKey(accessKeyID) }
        }
    }

    public func deleteAccessKey(userName: String, accessKeyID: String) async throws {
        try IdentityValidation.userName(userName)
        try await write { db in
            let owner = try self.requireUser(db, name: userName)
            try db.execute(
                sql: "DELETE FROM access_keys WHERE access_key_id = ? AND user = ?",
                arguments: [accessKeyID, owner.rowID])
            if db.changesCount == 0 { throw IdentityStoreError.noSuchAccessKey(accessKeyID) }
        }
    }

    static func status(_ text: String) throws -> AccessKeyStatus {
        guard let status = AccessKeyStatus(rawValue: text) else {
            throw IdentityStoreError(.serviceFailure, "Stored access key status \(text) is not Active or Inactive.")
        }
        return status
    }
}
