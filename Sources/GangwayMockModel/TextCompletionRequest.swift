/// The parts of a legacy `/v1/completions` request the mock acts on.
struct TextCompletionRequest: Equatable, Sendable {
    var model: String?
    var stream: Bool
    var includeUsage: Bool
    var maxTokens: Int?
    var promptTokens: Int

    init(json: JSONValue) throws(OpenAIError) {
        let fields = try RequestFields(json)
        self.model = try fields.string("model")
        self.stream = try fields.bool("stream") ?? false
        self.includeUsage = try fields.includeUsage()
        self.maxTokens = try fields.maxTokens()
        guard let prompt = fields["prompt"] else {
            throw OpenAIError.invalidRequest("'prompt' is a required property", param: "prompt")
        }
        guard let tokens = Self.promptTokens(prompt) else {
            throw OpenAIError.invalidRequest("'prompt' must be a string, an array of strings or an array of token ids", param: "prompt")
        }
        self.promptTokens = tokens
    }

    /// Words of a text prompt; token ids count one each.
    static func promptTokens(_ prompt: JSONValue) -> Int? {
        switch prompt {
        case .string(let text):
            return RequestFields.wordCount(text)
        case .number:
            return 1
        case .array(let items):
            var total = 0
            for item in items {
                guard let count = promptTokens(item) else { return nil }
                total += count
            }
            return total
        default:
            return nil
        }
    }
}
