import Foundation
import GRDB

extension SQLiteIdentityStore {
    public func createUser(name: String, path: String) async throws -> IAMUser {
        try IdentityValidation.userName(name)
        try IdentityValidation.path(path)
        let user = IAMUser(
            name: name, path: path, userID: generator.userID(),
            arn: IAMUser.arn(account: account, path: path, name: name), createDate: clock())
        return try await write { db in try self.insertUser(db, user).user }
    }

    public func getUser(name: String) async throws -> IAMUser {
        try IdentityValidation.userName(name)
        return try await pool.read { db in try self.requireUser(db, name: name).user }
    }

    public func listUsers(pathPrefix: String) async throws -> [IAMUser] {
        try IdentityValidation.pathPrefix(pathPrefix)
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.userColumns) FROM users WHERE substr(path, 1, ?) = ? ORDER BY name",
                arguments: [pathPrefix.utf8.count, pathPrefix]
            ).map { self.userRow($0).user }
        }
    }

    public func deleteUser(name: String) async throws {
        try IdentityValidation.userName(name)
        try await write { db in
            let owner = try self.requireUser(db, name: name)
            let keys = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM access_keys WHERE user = ?", arguments: [owner.rowID])
            if (keys ?? 0) > 0 { throw IdentityStoreError.userHasAccessKeys }
            let policies = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM user_policies WHERE user = ?", arguments: [owner.rowID])
            if (policies ?? 0) > 0 { throw IdentityStoreError.userHasPolicies }
            try db.execute(sql: "DELETE FROM users WHERE id = ?", arguments: [owner.rowID])
        }
    }
}
