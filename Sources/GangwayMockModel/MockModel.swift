public import Hummingbird
public import Logging

/// A fast, exactly deterministic OpenAI-compatible model server, standing in for vLLM or
/// llama.cpp in tests, demos and benchmarks.
///
/// Routes: `GET /ping`, `GET /health`, `GET /v1/models`, `POST /v1/chat/completions`,
/// `POST /v1/completions`, `POST /v1/embeddings` and `GET /mock/stats`; anything else is a 404
/// in OpenAI's error envelope. Answers are built from ``MockVocabulary``; ids are hashes of
/// the request body and `created` is fixed, so one body always gets the same bytes back.
///
/// Tests steer single requests with `x-mock-*` headers, or the same names with `_` in a
/// `"mock": {...}` object of the JSON body (the body wins):
/// - `x-mock-status: 503` answers that status with an OpenAI error body;
///   `x-mock-retry-after` adds a `Retry-After` header to it.
/// - `x-mock-delay-ms` delays the first byte; `x-mock-chunk-delay-ms` paces streamed tokens.
/// - `x-mock-tokens` sets the answer length (a smaller `max_tokens` still cuts it).
/// - `x-mock-tool-calls` calls that many of the offered tools; `x-mock-reasoning: 1` adds
///   `reasoning_content` before the answer (`x-mock-reasoning: reasoning` names the field `reasoning`).
/// - `x-mock-split-bytes` writes each SSE event in pieces of at most that many bytes.
/// - `x-mock-echo-headers: 1` returns the received headers under `mock_headers`.
///
/// A streamed response ends its connection (`Connection: close`): Hummingbird's inbound-close
/// detection, which lets an abandoned stream stop at once, consumes the connection.
public enum MockModel {
    /// Builds the application; `onServerRunning` receives the bound port (useful with port 0).
    public static func makeApplication(
        configuration: MockModelConfiguration,
        stats: MockModelStats = MockModelStats(),
        logger: Logger? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: OpenAIErrorMiddleware())
        MockModelRoutes(configuration: configuration, stats: stats).register(on: router)
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil, backlog: 4096),
            onServerRunning: { channel in
                await onServerRunning(channel.localAddress?.port ?? configuration.port)
            },
            logger: logger ?? Logger(label: "gangway.mock-model")
        )
    }
}
