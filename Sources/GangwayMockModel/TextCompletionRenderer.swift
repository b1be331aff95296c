import NIOCore

/// Writes a planned answer in the legacy `text_completion` shape, whole or streamed.
struct TextCompletionRenderer: StreamRenderer {
    let plan: CompletionPlan
    let includeUsage: Bool
    let echoedHeaders: EchoedHeaders?
    /// `{"id":..,"object":"text_completion","created":..,"model":..,` shared by every event.
    private let head: ByteBuffer

    init(id: String, model: String, plan: CompletionPlan, includeUsage: Bool, echoedHeaders: EchoedHeaders?) {
        self.plan = plan
        self.includeUsage = includeUsage
        self.echoedHeaders = echoedHeaders
        var head = ByteBuffer()
        head.writeStaticString("{\"id\":")
        head.writeJSONString(id)
        head.writeStaticString(",\"object\":\"text_completion\",\"created\":")
        head.writeDecimal(ChatCompletionRenderer.created)
        head.writeStaticString(",\"model\":")
        head.writeJSONString(model)
        head.writeStaticString(",")
        self.head = head
    }

    private var tokens: [String] {
        guard case .text(let tokens) = self.plan.answer else { return [] }
        return tokens
    }

    func completionBody() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeImmutableBuffer(self.head)
        self.writeChoice(text: self.tokens.joined(), finishReason: self.plan.finishReason, into: &buffer)
        buffer.writeStaticString(",\"usage\":")
        buffer.writeUsage(of: self.plan)
        buffer.writeEchoedHeaders(self.echoedHeaders)
        buffer.writeStaticString("}")
        return buffer
    }

    var events: [StreamEvent] {
        var events = self.tokens.indices.map(StreamEvent.content)
        events.append(.finish)
        if self.includeUsage { events.append(.usage) }
        events.append(.done)
        return events
    }

    func render(_ event: StreamEvent) -> ByteBuffer {
        if event == .done { return .doneEvent }
        var buffer = ByteBuffer()
        buffer.writeStaticString("data: ")
        buffer.writeImmutableBuffer(self.head)
        switch event {
        case .usage:
            buffer.writeStaticString("\"choices\":[],\"usage\":")
            buffer.writeUsage(of: self.plan)
        case .content(let index):
            self.writeChoice(text: self.tokens[index], finishReason: nil, into: &buffer)
            if self.includeUsage { buffer.writeStaticString(",\"usage\":null") }
            if index == 0 { buffer.writeEchoedHeaders(self.echoedHeaders) }
        default:
            self.writeChoice(text: "", finishReason: self.plan.finishReason, into: &buffer)
            if self.includeUsage { buffer.writeStaticString(",\"usage\":null") }
            if self.tokens.isEmpty { buffer.writeEchoedHeaders(self.echoedHeaders) }
        }
        buffer.writeStaticString("}\n\n")
        return buffer
    }

    private func writeChoice(text: String, finishReason: String?, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("\"choices\":[{\"text\":")
        buffer.writeJSONString(text)
        buffer.writeStaticString(",\"index\":0,\"logprobs\":null,\"finish_reason\":")
        if let finishReason { buffer.writeJSONString(finishReason) } else { buffer.writeStaticString("null") }
        buffer.writeStaticString("}]")
    }
}
