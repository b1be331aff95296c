/// A `/v1/embeddings` request: the inputs as texts (token ids become their decimal form).
struct EmbeddingRequest: Equatable, Sendable {
    var model: String?
    var inputs: [String]
    var dimensions: Int?
    var base64: Bool
    var promptTokens: Int

    static let maximumDimensions = 4096

    init(json: JSONValue) throws(OpenAIError) {
        let fields = try RequestFields(json)
        self.model = try fields.string("model")
        self.dimensions = try fields.int("dimensions", minimum: 1)
        if let dimensions, dimensions > Self.maximumDimensions {
            throw OpenAIError.invalidRequest("'dimensions' must be at most \(Self.maximumDimensions)", param: "dimensions")
        }
        switch try fields.string("encoding_format") {
        case nil, "float": self.base64 = false
        case "base64": self.base64 = true
        case .some(let other):
            throw OpenAIError.invalidRequest("Unsupported encoding_format '\(other)'", param: "encoding_format")
        }
        guard let input = fields["input"] else {
            throw OpenAIError.invalidRequest("'input' is a required property", param: "input")
        }
        guard let inputs = Self.inputs(input), !inputs.isEmpty else {
            throw OpenAIError.invalidRequest("'input' must be a non-empty string, array of strings, or token ids", param: "input")
        }
        self.inputs = inputs.map(\.text)
        self.promptTokens = inputs.reduce(0) { $0 + $1.tokens }
    }

    /// A string, an array of strings, an array of token ids, or an array of such arrays.
    private static func inputs(_ input: JSONValue) -> [(text: String, tokens: Int)]? {
        switch input {
        case .string(let text):
            return [(text, RequestFields.wordCount(text))]
        case .array(let items) where items.allSatisfy({ $0.intValue != nil }) && !items.isEmpty:
            return [(Self.tokenText(items), items.count)]
        case .array(let items):
            var result: [(text: String, tokens: Int)] = []
            for item in items {
                switch item {
                case .string(let text): result.append((text, RequestFields.wordCount(text)))
                case .array(let ids) where ids.allSatisfy({ $0.intValue != nil }): result.append((Self.tokenText(ids), ids.count))
                default: return nil
                }
            }
            return result
        default:
            return nil
        }
    }

    private static func tokenText(_ ids: [JSONValue]) -> String {
        ids.compactMap(\.intValue).map(String.init).joined(separator: " ")
    }
}
