import ArgumentParser
import Foundation
import GangwayCore
import GangwayStore
import Logging

/// Opens the identity store in the data directory and, on first start, creates the admin user
/// and its credentials file. The secret goes to that file (mode 0600) and nowhere else.
enum IdentitySetup {
    static func credentialsPath(_ config: GangwayConfig) -> String {
        DataDirectory(dataURL(config)).credentialsFile.path
    }

    static func dataURL(_ config: GangwayConfig) -> URL {
        URL(fileURLWithPath: config.dataDirectory, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL
    }

    static func open(config: GangwayConfig, logger: Logger) async throws -> SQLiteIdentityStore {
        let directory = DataDirectory(dataURL(config))
        let store: SQLiteIdentityStore
        let keySource: MasterKeySource
        do {
            (store, keySource) = try SQLiteIdentityStore.open(directory: directory, account: config.account)
        } catch {
            throw CommandFailure("\(error)")
        }
        switch keySource {
        case .environment:
            logger.info("master key from GANGWAY_MASTER_KEY")
        case .keyFile(let url):
            logger.info("master key from \(url.path)")
        case .newKeyFile(let url):
            logger.notice("created a new master key at \(url.path) (mode 0600); back it up: without it stored secrets cannot be read")
        }
        do {
            if let created = try await store.bootstrapIfEmpty(credentialsFile: directory.credentialsFile) {
                logger.notice(
                    """
                    first start: created user \(created.user.name) (\(created.user.arn)) with an allow-all policy and \
                    access key \(created.accessKeyID); its credentials are in \(created.credentialsFile.path) \
                    (profile \(created.profile), mode 0600). Use them with: \
                    AWS_SHARED_CREDENTIALS_FILE=\(created.credentialsFile.path) AWS_PROFILE=\(created.profile)
                    """)
            }
        } catch {
            throw CommandFailure("cannot create the first user: \(error)")
        }
        return store
    }
}
