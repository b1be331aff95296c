import GRDB

extension SQLiteIdentityStore {
    public func putUserPolicy(userName: String, policyName: String, document: String) async throws {
        try IdentityValidation.userName(userName)
        try IdentityValidation.policyName(policyName)
        try IdentityValidation.policyDocument(document)
        try await write { db in
            try self.upsertPolicy(
                db, owner: try self.requireUser(db, name: userName), name: policyName, document: document)
        }
    }

    public func getUserPolicy(userName: String, policyName: String) async throws -> UserPolicy {
        try IdentityValidation.userName(userName)
        try IdentityValidation.policyName(policyName)
        return try await pool.read { db in
            let owner = try self.requireUser(db, name: userName)
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT name, document FROM user_policies WHERE user = ? AND name = ?",
                    arguments: [owner.rowID, policyName])
            else { throw IdentityStoreError.noSuchPolicy(policyName, userName: owner.user.name) }
            return UserPolicy(userName: owner.user.name, policyName: row["name"], document: row["document"])
        }
    }

    public func listUserPolicies(userName: String) async throws -> [String] {
        try IdentityValidation.userName(userName)
        return try await pool.read { db in
            try self.policies(db, of: try self.requireUser(db, name: userName)).map(\.policyName)
        }
    }

    public func deleteUserPolicy(userName: String, policyName: String) async throws {
        try IdentityValidation.userName(userName)
        try IdentityValidation.policyName(policyName)
        try await write { db in
            let owner = try self.requireUser(db, name: userName)
            try db.execute(
                sql: "DELETE FROM user_policies WHERE user = ? AND name = ?", arguments: [owner.rowID, policyName])
            if db.changesCount == 0 { throw IdentityStoreError.noSuchPolicy(policyName, userName: owner.user.name) }
        }
    }
}
