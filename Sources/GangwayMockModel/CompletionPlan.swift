/// What the mock will answer, decided before anything is written so the streamed and the
/// non-streamed forms of one request carry exactly the same content.
struct CompletionPlan: Equatable, Sendable {
    enum Answer: Equatable, Sendable {
        case text([String])
        case toolCalls([PlannedToolCall])
    }

    var reasoning: [String]
    var answer: Answer
    /// Where the reasoning trace goes (see `MockControls.reasoningField`).
    var reasoningField = ReasoningField.reasoningContent
    var finishReason: String
    var promptTokens: Int

    /// Reasoning tokens plus content tokens (or argument fragments for tool calls).
    var completionTokens: Int {
        switch self.answer {
        case .text(let tokens): self.reasoning.count + tokens.count
        case .toolCalls(let calls): self.reasoning.count + calls.reduce(0) { $0 + $1.fragments.count }
        }
    }

    /// Characters per streamed fragment of tool-call arguments.
    static let argumentFragmentLength = 8

    /// The plan for a chat request.
    static func chat(_ request: ChatRequest, controls: MockControls, defaultTokens: Int) -> CompletionPlan {
        let reasoning = controls.reasoning ? MockVocabulary.reasoningWords : []
        let calledTools = Self.toolsToCall(request, controls: controls)
        if !calledTools.isEmpty {
            let calls = calledTools.enumerated().map { PlannedToolCall(index: $0.offset, tool: $0.element) }
            return CompletionPlan(
                reasoning: reasoning, answer: .toolCalls(calls), reasoningField: controls.reasoningField, finishReason: "tool_calls",
                promptTokens: request.promptTokens)
        }
        let (count, finishReason) = Self.tokenBudget(maxTokens: request.maxTokens, controls: controls, defaultTokens: defaultTokens)
        var tokens = (0..<count).map(MockVocabulary.token(at:))
        if request.lastRole == "tool", count > 0 {
            // Answering a tool result: the first token quotes it, so tests can see it arrived.
            tokens[0] = " Tool result: " + String(request.lastMessageText.prefix(200))
        }
        return CompletionPlan(
            reasoning: reasoning, answer: .text(tokens), reasoningField: controls.reasoningField, finishReason: finishReason,
            promptTokens: request.promptTokens)
    }

    /// The plan for a legacy text completion: plain tokens only.
    static func text(promptTokens: Int, maxTokens: Int?, controls: MockControls, defaultTokens: Int) -> CompletionPlan {
        let (count, finishReason) = Self.tokenBudget(maxTokens: maxTokens, controls: controls, defaultTokens: defaultTokens)
        return CompletionPlan(
            reasoning: [], answer: .text((0..<count).map(MockVocabulary.token(at:))), finishReason: finishReason, promptTokens: promptTokens)
    }

    /// How many tokens to generate and why generation stops.
    ///
    /// A `tokens` control is the model's natural answer length ("stop"), which a smaller
    /// `max_tokens` cuts ("length"). Without the control, a `max_tokens` is always used up
    /// ("length"), and otherwise the configured default is the natural length ("stop").
    static func tokenBudget(maxTokens: Int?, controls: MockControls, defaultTokens: Int) -> (count: Int, finishReason: String) {
        switch (controls.tokens, maxTokens) {
        case (let natural?, let limit?): limit < natural ? (limit, "length") : (natural, "stop")
        case (let natural?, nil): (natural, "stop")
        case (nil, let limit?): (limit, "length")
        case (nil, nil): (max(defaultTokens, 0), "stop")
        }
    }

    /// Tools are called when offered, allowed, and the conversation is not already answering
    /// a tool result.
    private static func toolsToCall(_ request: ChatRequest, controls: MockControls) -> [ToolDeclaration] {
        guard !request.tools.isEmpty, request.lastRole != "tool" else { return [] }
        switch request.toolChoice {
        case .none:
            return []
        case .function(let name):
            return request.tools.first(where: { $0.name == name }).map { [$0] } ?? []
        case .auto, .required:
            let count = min(controls.toolCalls ?? 1, request.tools.count)
            return Array(request.tools.prefix(count))
        }
    }
}

/// One tool call the mock makes: an id, the tool, its invented arguments, and how the
/// arguments are cut into stream fragments.
struct PlannedToolCall: Equatable, Sendable {
    var id: String
    var name: String
    var arguments: String
    var fragments: [String]

    init(index: Int, tool: ToolDeclaration) {
        self.id = "call_\(index)"
        self.name = tool.name
        self.arguments = tool.arguments
        var fragments: [String] = []
        var rest = Substring(tool.arguments)
        while !rest.isEmpty {
            fragments.append(String(rest.prefix(CompletionPlan.argumentFragmentLength)))
            rest = rest.dropFirst(CompletionPlan.argumentFragmentLength)
        }
        self.fragments = fragments
    }
}
