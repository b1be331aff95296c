public import GangwayMockModel
import Hummingbird
import Logging

/// A mock model server for tests, with its counters.
public struct MockInstance: Sendable {
    public let server: RunningServer
    public let stats: MockModelStats

    public var url: String { server.baseURL }
    public var port: Int { server.port }

    public static func start(_ configuration: MockModelConfiguration = MockModelConfiguration()) async throws -> MockInstance {
        let stats = MockModelStats()
        let server = RunningServer { port, onRunning in
            var configuration = configuration
            configuration.host = "127.0.0.1"
            configuration.port = port
            var logger = Logger(label: "mock-model")
            logger.logLevel = .warning
            return MockModel.makeApplication(configuration: configuration, stats: stats, logger: logger, onServerRunning: onRunning)
        }
        try await server.start()
        return MockInstance(server: server, stats: stats)
    }
}
