import NIOCore

/// One server-sent event of a streamed answer, in the order the renderer lists them.
enum StreamEvent: Equatable, Sendable {
    case role
    case reasoning(Int)
    case content(Int)
    case toolCallStart(Int)
    case toolCallArguments(call: Int, fragment: Int)
    case finish
    case usage
    case done

    /// Whether the configured pace applies before this event: one per generated token.
    var isPaced: Bool {
        switch self {
        case .reasoning, .content, .toolCallArguments: true
        case .role, .toolCallStart, .finish, .usage, .done: false
        }
    }
}

/// Something that can stream an answer as SSE events, one `ByteBuffer` per event.
protocol StreamRenderer: Sendable {
    var events: [StreamEvent] { get }
    /// The complete `data: ...\n\n` bytes of `event`.
    func render(_ event: StreamEvent) -> ByteBuffer
}

extension ByteBuffer {
    static let doneEvent = ByteBuffer(string: "data: [DONE]\n\n")

    /// `{"prompt_tokens":..,"completion_tokens":..,"total_tokens":..}` for `plan`.
    mutating func writeUsage(of plan: CompletionPlan) {
        self.writeStaticString("{\"prompt_tokens\":")
        self.writeDecimal(plan.promptTokens)
        self.writeStaticString(",\"completion_tokens\":")
        self.writeDecimal(plan.completionTokens)
        self.writeStaticString(",\"total_tokens\":")
        self.writeDecimal(plan.promptTokens + plan.completionTokens)
        if !plan.reasoning.isEmpty {
            self.writeStaticString(",\"completion_tokens_details\":{\"reasoning_tokens\":")
            self.writeDecimal(plan.reasoning.count)
            self.writeStaticString("}")
        }
        self.writeStaticString("}")
    }

    /// `,"mock_headers":{...}` when the request asked for its headers to be echoed.
    mutating func writeEchoedHeaders(_ headers: EchoedHeaders?) {
        guard let headers else { return }
        self.writeStaticString(",\"mock_headers\":{")
        for (offset, header) in headers.fields.enumerated() {
            if offset > 0 { self.writeStaticString(",") }
            self.writeJSONString(header.name)
            self.writeStaticString(":")
            self.writeJSONString(header.value)
        }
        self.writeStaticString("}")
    }
}
