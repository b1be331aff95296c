/// Settings of one mock model server. Per-request overrides come from the mock controls
/// (`x-mock-*` headers or the body's `"mock"` object), see ``MockModel``.
public struct MockModelConfiguration: Sendable {
    public var host: String
    /// Port to listen on; 0 picks any free port (reported through `onServerRunning`).
    public var port: Int
    /// Model id listed by `/v1/models` and used when a request's `model` is missing or empty.
    public var modelName: String
    /// Pace of streamed token chunks; nil streams as fast as possible.
    public var tokensPerSecond: Double?
    /// Delay before the first byte of every model response (chat, completions, embeddings).
    public var firstTokenDelay: Duration
    /// Tokens generated when the request sets no limit and no `tokens` control.
    public var defaultCompletionTokens: Int
    /// Length of embedding vectors when the request has no `dimensions`.
    public var embeddingDimensions: Int
    /// Largest request body accepted; bigger ones get 413.
    public var maxRequestBodySize: Int

    public init(
        host: String = "127.0.0.1",
        port: Int = 8001,
        modelName: String = "mock-model",
        tokensPerSecond: Double? = nil,
        firstTokenDelay: Duration = .zero,
        defaultCompletionTokens: Int = 16,
        embeddingDimensions: Int = 8,
        maxRequestBodySize: Int = 32 * 1024 * 1024
    ) {
        self.host = host
        self.port = port
        self.modelName = modelName
        self.tokensPerSecond = tokensPerSecond
        self.firstTokenDelay = firstTokenDelay
        self.defaultCompletionTokens = defaultCompletionTokens
        self.embeddingDimensions = embeddingDimensions
        self.maxRequestBodySize = maxRequestBodySize
    }

    /// Gap between streamed token chunks implied by `tokensPerSecond`.
    var tokenInterval: Duration? {
        guard let tokensPerSecond, tokensPerSecond > 0, tokensPerSecond.isFinite else { return nil }
        return .nanoseconds(Int64((1e9 / tokensPerSecond).rounded()))
    }
}
