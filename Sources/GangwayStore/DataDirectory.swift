public import Foundation

/// The files Gangway keeps in its data directory (config `data`).
public struct DataDirectory: Sendable, Hashable {
    public let url: URL

    public init(_ url: URL) {
        self.url = url
    }

    /// The SQLite database (with its `-wal` and `-shm` companions beside it).
    public var database: URL { url.appending(path: "gangway.sqlite") }
    /// The master key, when it does not come from `GANGWAY_MASTER_KEY`.
    public var masterKeyFile: URL { url.appending(path: "master.key") }
    /// The admin credentials written on first start, in AWS shared-credentials format.
    public var credentialsFile: URL { url.appending(path: "credentials") }

    /// Creates the directory (and its parents) if it is missing, readable by its owner only
    /// since it will hold the master key. An existing directory is left as it is.
    public func create() throws(StoreSetupError) {
        do {
            try FileManager.default.createDirectory(
                at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreSetupError("Cannot create the data directory \(url.path): \(error.localizedDescription)")
        }
    }
}
