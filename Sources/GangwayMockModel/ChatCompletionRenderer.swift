import NIOCore

/// Writes a planned chat answer as a `chat.completion` object or as `chat.completion.chunk`
/// events, in the field order OpenAI uses.
struct ChatCompletionRenderer: StreamRenderer {
    /// The fixed `created` timestamp of every mock response, so outputs are reproducible.
    static let created = 1_700_000_000

    let plan: CompletionPlan
    let includeUsage: Bool
    let echoedHeaders: EchoedHeaders?
    /// `{"id":..,"object":"chat.completion.chunk","created":..,"model":..,` shared by every chunk.
    private let chunkHead: ByteBuffer
    private let id: String
    private let model: String

    init(id: String, model: String, plan: CompletionPlan, includeUsage: Bool, echoedHeaders: EchoedHeaders?) {
        self.id = id
        self.model = model
        self.plan = plan
        self.includeUsage = includeUsage
        self.echoedHeaders = echoedHeaders
        var head = ByteBuffer()
        head.writeStaticString("data: {\"id\":")
        head.writeJSONString(id)
        head.writeStaticString(",\"object\":\"chat.completion.chunk\",\"created\":")
        head.writeDecimal(Self.created)
        head.writeStaticString(",\"model\":")
        head.writeJSONString(model)
        head.writeStaticString(",")
        self.chunkHead = head
    }

    // MARK: Non-streamed

    func completionBody() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(512)
        buffer.writeStaticString("{\"id\":")
        buffer.writeJSONString(self.id)
        buffer.writeStaticString(",\"object\":\"chat.completion\",\"created\":")
        buffer.writeDecimal(Self.created)
        buffer.writeStaticString(",\"model\":")
        buffer.writeJSONString(self.model)
        buffer.writeStaticString(",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":")
        switch self.plan.answer {
        case .text(let tokens): buffer.writeJSONString(tokens.joined())
        case .toolCalls: buffer.writeStaticString("null")
        }
        if !self.plan.reasoning.isEmpty {
            buffer.writeStaticString(",")
            buffer.writeJSONString(self.plan.reasoningField.rawValue)
            buffer.writeStaticString(":")
            buffer.writeJSONString(self.plan.reasoning.joined())
        }
        if case .toolCalls(let calls) = self.plan.answer {
            buffer.writeStaticString(",\"tool_calls\":[")
            for (offset, call) in calls.enumerated() {
                if offset > 0 { buffer.writeStaticString(",") }
                buffer.writeStaticString("{\"id\":")
                buffer.writeJSONString(call.id)
                buffer.writeStaticString(",\"type\":\"function\",\"function\":{\"name\":")
                buffer.writeJSONString(call.name)
                buffer.writeStaticString(",\"arguments\":")
                buffer.writeJSONString(call.arguments)
                buffer.writeStaticString("}}")
            }
            buffer.writeStaticString("]")
        }
        buffer.writeStaticString("},\"logprobs\":null,\"finish_reason\":")
        buffer.writeJSONString(self.plan.finishReason)
        buffer.writeStaticString("}],\"usage\":")
        buffer.writeUsage(of: self.plan)
        buffer.writeEchoedHeaders(self.echoedHeaders)
        buffer.writeStaticString("}")
        return buffer
    }

    // MARK: Streamed

    var events: [StreamEvent] {
        var events: [StreamEvent] = [.role]
        events += self.plan.reasoning.indices.map(StreamEvent.reasoning)
        switch self.plan.answer {
        case .text(let tokens):
            events += tokens.indices.map(StreamEvent.content)
        case .toolCalls(let calls):
            for (index, call) in calls.enumerated() {
                events.append(.toolCallStart(index))
                events += call.fragments.indices.map { StreamEvent.toolCallArguments(call: index, fragment: $0) }
            }
        }
        events.append(.finish)
        if self.includeUsage { events.append(.usage) }
        events.append(.done)
        return events
    }

    func render(_ event: StreamEvent) -> ByteBuffer {
        if event == .done { return .doneEvent }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(self.chunkHead.readableBytes + 192)
        buffer.writeImmutableBuffer(self.chunkHead)
        if event == .usage {
            buffer.writeStaticString("\"choices\":[],\"usage\":")
            buffer.writeUsage(of: self.plan)
            buffer.writeStaticString("}\n\n")
            return buffer
        }
        buffer.writeStaticString("\"choices\":[{\"index\":0,\"delta\":")
        self.writeDelta(of: event, into: &buffer)
        buffer.writeStaticString(",\"logprobs\":null,\"finish_reason\":")
        if event == .finish {
            buffer.writeJSONString(self.plan.finishReason)
        } else {
            buffer.writeStaticString("null")
        }
        buffer.writeStaticString("}]")
        if self.includeUsage { buffer.writeStaticString(",\"usage\":null") }
        if event == .role { buffer.writeEchoedHeaders(self.echoedHeaders) }
        buffer.writeStaticString("}\n\n")
        return buffer
    }

    private func writeDelta(of event: StreamEvent, into buffer: inout ByteBuffer) {
        switch event {
        case .role:
            if case .toolCalls = self.plan.answer {
                buffer.writeStaticString("{\"role\":\"assistant\",\"content\":null}")
            } else {
                buffer.writeStaticString("{\"role\":\"assistant\",\"content\":\"\"}")
            }
        case .reasoning(let index):
            buffer.writeStaticString("{")
            buffer.writeJSONString(self.plan.reasoningField.rawValue)
            buffer.writeStaticString(":")
            buffer.writeJSONString(self.plan.reasoning[index])
            buffer.writeStaticString("}")
        case .content(let index):
            guard case .text(let tokens) = self.plan.answer else { preconditionFailure("content event without text") }
            buffer.writeStaticString("{\"content\":")
            buffer.writeJSONString(tokens[index])
            buffer.writeStaticString("}")
        case .toolCallStart(let index):
            guard case .toolCalls(let calls) = self.plan.answer else { preconditionFailure("tool event without calls") }
            buffer.writeStaticString("{\"tool_calls\":[{\"index\":")
            buffer.writeDecimal(index)
            buffer.writeStaticString(",\"id\":")
            buffer.writeJSONString(calls[index].id)
            buffer.writeStaticString(",\"type\":\"function\",\"function\":{\"name\":")
            buffer.writeJSONString(calls[index].name)
            buffer.writeStaticString(",\"arguments\":\"\"}}]}")
        case .toolCallArguments(let call, let fragment):
            guard case .toolCalls(let calls) = self.plan.answer else { preconditionFailure("tool event without calls") }
            buffer.writeStaticString("{\"tool_calls\":[{\"index\":")
            buffer.writeDecimal(call)
            buffer.writeStaticString(",\"function\":{\"arguments\":")
            buffer.writeJSONString(calls[call].fragments[fragment])
            buffer.writeStaticString("}}]}")
        case .finish, .usage, .done:
            buffer.writeStaticString("{}")
        }
    }
}
