public import GangwayCore
import GangwayServer
import Hummingbird
public import Logging

/// A Gangway server for tests, built by the same function `gangway serve` uses.
public struct GangwayInstance: Sendable {
    public let server: RunningServer
    public let config: GangwayConfig

    public var baseURL: String { server.baseURL }

    public func openAIBase(endpoint: String, component: String? = nil) -> String {
        if let component {
            return "\(baseURL)/endpoints/\(endpoint)/inference-components/\(component)/openai/v1"
        }
        return "\(baseURL)/endpoints/\(endpoint)/openai/v1"
    }

    /// Starts Gangway on a free loopback port with the given configuration.
    public static func start(_ config: GangwayConfig, logLevel: Logger.Level = .warning) async throws -> GangwayInstance {
        let server = RunningServer { port, onRunning in
            var config = config
            config.listen = ListenAddress(host: "127.0.0.1", port: port)
            var logger = Logger(label: "gangway")
            logger.logLevel = logLevel
            return GangwayApplication.build(config: config, logger: logger, onServerRunning: onRunning)
        }
        try await server.start()
        return GangwayInstance(server: server, config: config)
    }

    /// Parses a YAML configuration the way `gangway serve --config` does.
    public static func config(yaml: String) throws -> GangwayConfig {
        try ConfigLoader.parse(yaml)
    }
}
