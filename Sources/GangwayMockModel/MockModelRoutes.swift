import Hummingbird
import NIOCore

/// The mock's HTTP handlers, with everything that does not depend on the request computed
/// once at start-up.
struct MockModelRoutes: Sendable {
    let configuration: MockModelConfiguration
    let stats: MockModelStats
    private let modelsBody: ByteBuffer

    static let pingBody = ByteBuffer(string: #"{"status":"ok"}"#)

    init(configuration: MockModelConfiguration, stats: MockModelStats) {
        self.configuration = configuration
        self.stats = stats
        var models = ByteBuffer()
        models.writeStaticString("{\"object\":\"list\",\"data\":[{\"id\":")
        models.writeJSONString(configuration.modelName)
        models.writeStaticString(",\"object\":\"model\",\"created\":")
        models.writeDecimal(ChatCompletionRenderer.created)
        models.writeStaticString(",\"owned_by\":\"gangway\"}]}")
        self.modelsBody = models
    }

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("ping") { _, _ in Self.json(Self.pingBody) }
        router.get("health") { _, _ in Self.json(Self.pingBody) }
        router.get("mock/stats") { _, _ in Self.json(self.stats.json()) }
        router.get("v1/models") { _, _ in Self.json(self.modelsBody) }
        router.post("v1/chat/completions") { request, _ in try await self.chatCompletions(request) }
        router.post("v1/completions") { request, _ in try await self.completions(request) }
        router.post("v1/embeddings") { request, _ in try await self.embeddings(request) }
        MockInvocationRoutes(routes: self).register(on: router)
    }

    // MARK: Model API

    func chatCompletions(_ request: Request) async throws -> Response {
        var request = request
        let incoming = try await self.receive(&request)
        let chat = try ChatRequest(json: incoming.json)
        let plan = CompletionPlan.chat(chat, controls: incoming.controls, defaultTokens: self.configuration.defaultCompletionTokens)
        let renderer = ChatCompletionRenderer(
            id: "chatcmpl-" + incoming.hash,
            model: self.modelName(chat.model),
            plan: plan,
            includeUsage: chat.includeUsage,
            echoedHeaders: incoming.echoedHeaders
        )
        if chat.stream {
            return self.stream(renderer, controls: incoming.controls, request: request)
        }
        return Self.json(renderer.completionBody())
    }

    func completions(_ request: Request) async throws -> Response {
        var request = request
        let incoming = try await self.receive(&request)
        let completion = try TextCompletionRequest(json: incoming.json)
        let plan = CompletionPlan.text(
            promptTokens: completion.promptTokens,
            maxTokens: completion.maxTokens,
            controls: incoming.controls,
            defaultTokens: self.configuration.defaultCompletionTokens
        )
        let renderer = TextCompletionRenderer(
            id: "cmpl-" + incoming.hash,
            model: self.modelName(completion.model),
            plan: plan,
            includeUsage: completion.includeUsage,
            echoedHeaders: incoming.echoedHeaders
        )
        if completion.stream {
            return self.stream(renderer, controls: incoming.controls, request: request)
        }
        return Self.json(renderer.completionBody())
    }

    func embeddings(_ request: Request) async throws -> Response {
        var request = request
        let incoming = try await self.receive(&request)
        let embedding = try EmbeddingRequest(json: incoming.json)
        let renderer = EmbeddingRenderer(
            model: self.modelName(embedding.model),
            request: embedding,
            dimensions: embedding.dimensions ?? self.configuration.embeddingDimensions,
            echoedHeaders: incoming.echoedHeaders
        )
        return Self.json(renderer.body())
    }

    // MARK: Shared steps

    /// A model API request, read and checked up to the point where its route takes over.
    struct Incoming {
        var json: JSONValue
        var controls: MockControls
        /// Hash of the body bytes: equal bodies get equal response ids.
        var hash: String
        var echoedHeaders: EchoedHeaders?
    }

    /// Collects and parses the body, then applies the controls that come before any answer:
    /// the first-byte delay, then a requested error status, then the JSON parse error if any.
    private func receive(_ request: inout Request) async throws -> Incoming {
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: self.configuration.maxRequestBodySize)
        } catch is NIOTooManyBytesError {
            throw OpenAIError(
                status: .contentTooLarge, message: "The request body is larger than \(self.configuration.maxRequestBodySize) bytes")
        }
        self.stats.requestReceived(body: body)
        var controls = try MockControls(headers: request.headers)
        let parsed = body.withUnsafeReadableBytes { bytes in Result { () throws(JSONParser.Error) in try JSONParser.parse(bytes) } }
        if case .success(let json) = parsed, let mock = json["mock"] {
            try controls.merge(body: mock)
        }
        let delay = controls.delay ?? self.configuration.firstTokenDelay
        if delay > .zero {
            try await EventLoopPause.sleep(for: delay)
        }
        if let status = controls.status {
            var headers = HTTPFields()
            if let retryAfter = controls.retryAfter { headers[.retryAfter] = retryAfter }
            throw OpenAIError(
                status: .init(code: status),
                message: "Mock error: status \(status) requested by the mock controls",
                headers: headers
            )
        }
        let json: JSONValue
        switch parsed {
        case .success(let value): json = value
        case .failure(let error):
            throw OpenAIError.invalidRequest("We could not parse the JSON body of your request: \(error)")
        }
        var hash = StableHash()
        body.withUnsafeReadableBytes { hash.combine($0) }
        return Incoming(
            json: json,
            controls: controls,
            hash: hash.hex,
            echoedHeaders: controls.echoHeaders ? EchoedHeaders(request.headers) : nil
        )
    }

    private func modelName(_ requested: String?) -> String {
        guard let requested, !requested.isEmpty else { return self.configuration.modelName }
        return requested
    }

    static func json(_ body: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
    }
}
