import Foundation
import GRDB

/// Row reading and the inserts shared by several operations. Every value is bound.
extension SQLiteIdentityStore {
    /// A user with the row id that other tables refer to it by.
    struct UserRow: Sendable {
        var rowID: Int64
        var user: IAMUser
    }

    static let userColumns = "users.id, users.name, users.path, users.user_id, users.create_date"

    func userRow(_ row: Row) -> UserRow {
        let name: String = row["name"]
        let path: String = row["path"]
        return UserRow(
            rowID: row["id"],
            user: IAMUser(
                name: name,
                path: path,
                userID: row["user_id"],
                arn: IAMUser.arn(account: account, path: path, name: name),
                createDate: Date(timeIntervalSince1970: row["create_date"])))
    }

    func findUser(_ db: Database, name: String) throws -> UserRow? {
        try Row.fetchOne(db, sql: "SELECT \(Self.userColumns) FROM users WHERE name = ?", arguments: [name])
            .map(userRow)
    }

    func requireUser(_ db: Database, name: String) throws -> UserRow {
        guard let row = try findUser(db, name: name) else { throw IdentityStoreError.noSuchUser(name) }
        return row
    }

    func insertUser(_ db: Database, _ user: IAMUser) throws -> UserRow {
        if try findUser(db, name: user.name) != nil { throw IdentityStoreError.userExists(user.name) }
        try db.execute(
            sql: "INSERT INTO users (name, path, user_id, create_date) VALUES (?, ?, ?, ?)",
            arguments: [user.name, user.path, user.userID, user.createDate.timeIntervalSince1970])
        return UserRow(rowID: db.lastInsertedRowID, user: user)
    }

    /// Creates a key for the user within the caller's transaction, so the quota check and the
    /// insert cannot interleave with another writer.
    func insertAccessKey(_ db: Database, for owner: UserRow) throws -> NewAccessKey {
        let count = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM access_keys WHERE user = ?", arguments: [owner.rowID])
        guard (count ?? 0) < IdentityValidation.maxAccessKeysPerUser else {
            throw IdentityStoreError.accessKeyQuota(IdentityValidation.maxAccessKeysPerUser)
        }
        let key = NewAccessKey(
            metadata: AccessKeyMetadata(
                accessKeyID: generator.accessKeyID(), userName: owner.user.name, status: .active, createDate: clock()),
            secretAccessKey: generator.secretAccessKey())
        let sealed = try secretBox.seal(key.secretAccessKey, accessKeyID: key.metadata.accessKeyID)
        try db.execute(
            sql: """
                INSERT INTO access_keys (access_key_id, user, sealed_secret, status, create_date)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [
                key.metadata.accessKeyID, owner.rowID, sealed, key.metadata.status.rawValue,
                key.metadata.createDate.timeIntervalSince1970,
            ])
        return key
    }

    func upsertPolicy(_ db: Database, owner: UserRow, name: String, document: String) throws {
        try db.execute(
            sql: """
                INSERT INTO user_policies (user, name, document) VALUES (?, ?, ?)
                ON CONFLICT (user, name) DO UPDATE SET document = excluded.document
                """,
            arguments: [owner.rowID, name, document])
    }

    func policies(_ db: Database, of owner: UserRow) throws -> [UserPolicy] {
        try Row.fetchAll(
            db, sql: "SELECT name, document FROM user_policies WHERE user = ? ORDER BY name", arguments: [owner.rowID]
        ).map { UserPolicy(userName: owner.user.name, policyName: $0["name"], document: $0["document"]) }
    }
}
