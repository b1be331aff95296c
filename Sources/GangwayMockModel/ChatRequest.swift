/// The parts of a `/v1/chat/completions` request the mock acts on.
struct ChatRequest: Equatable, Sendable {
    var model: String?
    var stream = false
    var includeUsage = false
    var maxTokens: Int?
    var tools: [ToolDeclaration] = []
    var toolChoice = ToolChoice.auto
    var lastRole: String?
    /// Text of the last message, used to mention a tool result in the answer.
    var lastMessageText = ""
    var promptTokens = 0

    init(json: JSONValue) throws(OpenAIError) {
        let fields = try RequestFields(json)
        self.model = try fields.string("model")
        self.stream = try fields.bool("stream") ?? false
        self.includeUsage = try fields.includeUsage()
        self.maxTokens = try fields.maxTokens()
        guard let messagesValue = fields["messages"] else {
            throw OpenAIError.invalidRequest("'messages' is a required property", param: "messages")
        }
        guard let messages = messagesValue.arrayValue else {
            throw OpenAIError.invalidRequest("'messages' must be an array", param: "messages")
        }
        for (index, message) in messages.enumerated() {
            guard message.objectValue != nil else {
                throw OpenAIError.invalidRequest("messages[\(index)] must be an object", param: "messages")
            }
            let text = Self.text(of: message["content"])
            self.promptTokens += RequestFields.wordCount(text)
            self.lastRole = message["role"]?.stringValue
            self.lastMessageText = text
        }
        if let tools = fields["tools"] {
            guard let list = tools.arrayValue else { throw OpenAIError.invalidRequest("'tools' must be an array", param: "tools") }
            self.tools = try list.enumerated().map { (offset, tool) throws(OpenAIError) in try ToolDeclaration(json: tool, index: offset) }
        }
        self.toolChoice = try ToolChoice(json: fields["tool_choice"])
    }

    /// Message content as text: a string, or the `text` of each part of a content array.
    static func text(of content: JSONValue?) -> String {
        switch content {
        case .string(let text): text
        case .array(let parts): parts.compactMap { $0["text"]?.stringValue }.joined(separator: " ")
        default: ""
        }
    }
}
