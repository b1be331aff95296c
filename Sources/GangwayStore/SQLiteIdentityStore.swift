public import Foundation
import GRDB

/// The identity store in a SQLite file, `{data}/gangway.sqlite`, in WAL mode.
///
/// Only this process writes the file, so the credential cache is invalidated by the store's
/// own writes and needs no notification from outside.
public final class SQLiteIdentityStore: IdentityStore {
    public let account: String
    let pool: DatabasePool
    let secretBox: SecretBox
    let generator: any IdentityIDGenerator
    let clock: @Sendable () -> Date
    let cache = CredentialCache()
    let keyUse: KeyUseLog

    /// Opens (creating if needed) the database in `directory` and migrates it.
    ///
    /// - Parameters:
    ///   - secretBox: the master key; opening fails if it is not the key the store was created
    ///     with, rather than failing later on every secret.
    ///   - generator: source of user ids, key ids and secrets.
    ///   - clock: source of creation dates.
    ///   - keyUseFlushInterval: how long last-used dates may wait in memory.
    public init(
        directory: DataDirectory,
        account: String,
        secretBox: SecretBox,
        generator: any IdentityIDGenerator = RandomIdentityIDGenerator(),
        clock: @escaping @Sendable () -> Date = { Date() },
        keyUseFlushInterval: TimeInterval = 60
    ) throws(StoreSetupError) {
        self.account = account
        self.secretBox = secretBox
        self.generator = generator
        self.clock = clock
        keyUse = KeyUseLog(flushInterval: keyUseFlushInterval, now: clock())

        var configuration = Configuration()
        configuration.label = "gangway.identity"
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // Admin writes are rare; make each one durable on its own, power loss included.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let path = directory.database.path
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw StoreSetupError("Cannot open the identity store \(path): \(error)")
        }
        try checkMasterKey(path: path)
    }

    /// The usual way to open the store at startup: creates the data directory, loads the
    /// master key (``MasterKey/load(environment:keyFile:)``) and opens the database.
    public static func open(
        directory: DataDirectory,
        account: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(StoreSetupError) -> (store: SQLiteIdentityStore, masterKeySource: MasterKeySource) {
        try directory.create()
        let masterKey = try MasterKey.load(environment: environment, keyFile: directory.masterKeyFile)
        let store = try SQLiteIdentityStore(directory: directory, account: account, secretBox: masterKey.secretBox)
        return (store, masterKey.source)
    }

    public func close() async throws {
        try await flushKeyUse()
        try pool.close()
    }

    /// Runs one write transaction, then drops every cached credential: whatever it changed,
    /// the next lookup sees it.
    func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        defer { cache.invalidate() }
        return try await pool.write(updates)
    }

    /// A store created under one master key and opened under another would fail on every
    /// secret; a sealed marker written at creation catches that at startup instead.
    private func checkMasterKey(path: String) throws(StoreSetupError) {
        let context = "gangway/master-key-check"
        let marker = Array("gangway".utf8)
        let box = secretBox
        let matches: Bool
        do {
            matches = try pool.write { db in
                if let sealed = try Data.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'master_key_check'") {
                    return (try? box.open(sealed, context: context)) == marker
                }
                try db.execute(
                    sql: "INSERT INTO meta (key, value) VALUES ('master_key_check', ?)",
                    arguments: [try box.seal(marker, context: context)])
                return true
            }
        } catch {
            throw StoreSetupError("Cannot open the identity store \(path): \(error)")
        }
        guard matches else {
            throw StoreSetupError(
                "The master key does not match the one the identity store \(path) was created with; "
                    + "set \(MasterKey.environmentVariable) or restore the original master.key.")
        }
    }
}
