public import Foundation
public import GangwayCore
public import GangwayServer
public import GangwayStore
import Hummingbird
public import Logging
public import NIOHTTP1

/// A Gangway server for tests, built by the same function `gangway serve` uses, with a real
/// SQLite identity store in a temporary directory and an `admin` user allowed everything.
public struct GangwayInstance: Sendable {
    public let server: RunningServer
    public let config: GangwayConfig
    public let store: SQLiteIdentityStore
    public let dataDirectory: URL
    /// The `admin` user's access key.
    public let adminKey: NewAccessKey

    public var baseURL: String { server.baseURL }

    public func openAIBase(endpoint: String, component: String? = nil) -> String {
        if let component {
            return "\(baseURL)/endpoints/\(endpoint)/inference-components/\(component)/openai/v1"
        }
        return "\(baseURL)/endpoints/\(endpoint)/openai/v1"
    }

    /// A fresh bearer token for a key, made as the SageMaker SDK makes them.
    public func bearerToken(for key: NewAccessKey? = nil, expiresIn: Int = 3600, issuedAt: Date = Date()) -> String {
        let key = key ?? adminKey
        return BearerToken.generate(
            accessKeyId: key.metadata.accessKeyID, secretAccessKey: key.secretAccessKey, region: config.region,
            issuedAt: issuedAt, expiresInSeconds: expiresIn
        ).reveal()
    }

    /// `Authorization` header for the admin user (or another key).
    public func auth(_ key: NewAccessKey? = nil) -> [(String, String)] {
        [("Authorization", "Bearer " + bearerToken(for: key))]
    }

    /// Starts Gangway on a free loopback port with the given configuration.
    public static func start(
        _ config: GangwayConfig, logLevel: Logger.Level = .warning, logCapture: LogCapture? = nil,
        accessLog: AccessLog = .disabled
    ) async throws -> GangwayInstance {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gangway-test-\(UUID().uuidString)")
        let dataDirectory = DataDirectory(directory)
        try dataDirectory.create()
        let store = try SQLiteIdentityStore(
            directory: dataDirectory, account: config.account,
            secretBox: SecretBox(keyBytes: (0..<SecretBox.keyByteCount).map { _ in UInt8.random(in: 0...255) }))
        guard
            let adminKey = try await store.createFirstUser(
                name: IdentityBootstrap.userName, policyName: IdentityBootstrap.policyName,
                policyDocument: IdentityBootstrap.policyDocument, beforeCommit: { _ in })
        else { throw SetupError() }
        let server = RunningServer { port, onRunning in
            var config = config
            config.listen = ListenAddress(host: "127.0.0.1", port: port)
            var logger = logCapture?.logger(label: "gangway") ?? Logger(label: "gangway")
            if logCapture == nil { logger.logLevel = logLevel }
            return GangwayApplication.build(
                config: config, store: store, logger: logger, accessLog: accessLog, onServerRunning: onRunning)
        }
        try await server.start()
        return GangwayInstance(server: server, config: config, store: store, dataDirectory: directory, adminKey: adminKey)
    }

    /// Parses a YAML configuration the way `gangway serve --config` does.
    public static func config(yaml: String) throws -> GangwayConfig {
        try ConfigLoader.parse(yaml)
    }

    struct SetupError: Error {}
}

extension GangwayInstance {
    /// Sends a request to this Gangway as the admin user (a fresh bearer token each time).
    public func send(
        _ method: HTTPMethod = .POST, _ url: String, body: [UInt8]? = nil, headers: [(String, String)] = []
    ) async throws -> HTTPTestClient.Reply {
        try await HTTPTestClient.send(method, url, body: body, headers: auth() + headers)
    }

    public func post(_ url: String, json: String, headers: [(String, String)] = []) async throws -> HTTPTestClient.Reply {
        try await HTTPTestClient.post(url, json: json, headers: auth() + headers)
    }
}
