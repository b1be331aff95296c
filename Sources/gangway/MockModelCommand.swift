import ArgumentParser
import GangwayMockModel
import Hummingbird
import Logging

struct MockModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-model",
        abstract: "Run a fast, deterministic OpenAI-compatible model server for tests and benchmarks."
    )

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8001
    @Option(help: "Pace of streamed chunks (tokens per second); unset streams as fast as possible.")
    var tokensPerSecond: Double?
    @Option(help: "Delay before the first byte of every response, in milliseconds.") var delayMs = 0
    @Option(help: "Model name reported by /v1/models.") var model = "mock-model"
    @Option(help: "Tokens generated per answer unless the request sets max_tokens.") var tokens = 16
    @Option(help: "Log level (trace, debug, info, notice, warning, error).") var logLevel: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let rate = tokensPerSecond, !(rate > 0) { throw ValidationError("--tokens-per-second must be positive") }
        guard delayMs >= 0 else { throw ValidationError("--delay-ms must not be negative") }
        guard tokens >= 0 else { throw ValidationError("--tokens must not be negative") }
    }

    func run() async throws {
        _ = try LogSetup.bootstrap(level: logLevel ?? "warning")
        let configuration = MockModelConfiguration(
            host: host, port: port, modelName: model, tokensPerSecond: tokensPerSecond,
            firstTokenDelay: .milliseconds(delayMs), defaultCompletionTokens: tokens)
        let app = MockModel.makeApplication(configuration: configuration) { boundPort in
            announce("mock-model listening on http://\(host):\(boundPort)")
        }
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
