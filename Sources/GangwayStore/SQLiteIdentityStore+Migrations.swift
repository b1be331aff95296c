import GRDB

extension SQLiteIdentityStore {
    /// The schema's history, in order. Append new migrations; never edit a released one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-identity") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta (
                        key TEXT PRIMARY KEY NOT NULL,
                        value BLOB NOT NULL
                    );
                    CREATE TABLE users (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                        path TEXT NOT NULL,
                        user_id TEXT NOT NULL UNIQUE,
                        create_date REAL NOT NULL
                    );
                    CREATE TABLE access_keys (
                        access_key_id TEXT PRIMARY KEY NOT NULL,
                        user INTEGER NOT NULL REFERENCES users(id),
                        sealed_secret BLOB NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
                        create_date REAL NOT NULL,
                        last_used_date REAL
                    );
                    CREATE INDEX access_keys_by_user ON access_keys(user);
                    CREATE TABLE user_policies (
                        user INTEGER NOT NULL REFERENCES users(id),
                        name TEXT NOT NULL COLLATE NOCASE,
                        document TEXT NOT NULL,
                        PRIMARY KEY (user, name)
                    );
                    """)
        }
        return migrator
    }
}
