import Hummingbird

/// Per-request knobs for tests, read from `x-mock-*` headers and from a `"mock": {...}` object
/// in the JSON body (what the OpenAI SDK sends as `extra_body`). The body wins when both set one.
struct MockControls: Equatable, Sendable {
    /// Answer with this HTTP status and an OpenAI error body (400...599).
    var status: Int?
    /// Delay before the first byte.
    var delay: Duration?
    /// Gap between streamed token chunks; overrides the configured pace.
    var chunkDelay: Duration?
    /// Number of tokens to generate.
    var tokens: Int?
    /// Number of tools to call when the request offers tools.
    var toolCalls: Int?
    /// Emit a reasoning trace before the answer.
    var reasoning = false
    /// The field that carries the trace: servers differ (`reasoning_content` in DeepSeek's
    /// API and older vLLM, `reasoning` in newer vLLM and OpenRouter). The control takes a
    /// boolean (this default) or one of the two names.
    var reasoningField = ReasoningField.reasoningContent
    /// Write each SSE event in pieces of at most this many bytes.
    var splitBytes: Int?
    /// Value of the `Retry-After` header sent with `status`.
    var retryAfter: String?
    /// Include the received request headers under `mock_headers`.
    var echoHeaders = false

    init() {}

    /// Reads the `x-mock-*` headers in one pass over the request's fields.
    init(headers: HTTPFields) throws(OpenAIError) {
        for field in headers {
            let name = field.name.canonicalName
            guard name.hasPrefix("x-mock-") else { continue }
            try self.apply(control: String(name.dropFirst(7)).replacing("-", with: "_"), value: .header(field.value), source: name)
        }
    }

    /// Applies the body's `"mock"` object on top of the header controls.
    mutating func merge(body mock: JSONValue) throws(OpenAIError) {
        guard !mock.isNull else { return }
        guard let members = mock.objectValue else { throw OpenAIError.invalidRequest("'mock' must be an object", param: "mock") }
        for member in members {
            try self.apply(control: member.key, value: .json(member.value), source: "mock.\(member.key)")
        }
    }

    private enum RawValue {
        case header(String)
        case json(JSONValue)

        var int: Int? {
            switch self {
            case .header(let text): Int(text.trimmingSpaces)
            case .json(let value): value.intValue ?? value.stringValue.flatMap { Int($0.trimmingSpaces) }
            }
        }

        var bool: Bool? {
            switch self {
            case .header(let text), .json(.string(let text)):
                switch text.trimmingSpaces.lowercased() {
                case "1", "true", "yes", "on": true
                case "0", "false", "no", "off", "": false
                default: nil
                }
            case .json(let value): value.boolValue
            }
        }

        var text: String? {
            switch self {
            case .header(let text): text
            case .json(let value): value.stringValue ?? value.intValue.map(String.init)
            }
        }
    }

    private mutating func apply(control: String, value: RawValue, source: String) throws(OpenAIError) {
        func int(in range: ClosedRange<Int>) throws(OpenAIError) -> Int {
            guard let int = value.int, range.contains(int) else {
                throw OpenAIError.invalidRequest("Invalid mock control \(source): expected an integer in \(range)")
            }
            return int
        }
        switch control {
        case "status": self.status = try int(in: 400...599)
        case "delay_ms": self.delay = .milliseconds(try int(in: 0...600_000))
        case "chunk_delay_ms": self.chunkDelay = .milliseconds(try int(in: 0...600_000))
        case "tokens": self.tokens = try int(in: 0...1_000_000)
        case "tool_calls": self.toolCalls = try int(in: 0...128)
        case "split_bytes": self.splitBytes = try int(in: 1...Int.max)
        case "reasoning":
            if let field = value.text.flatMap(ReasoningField.init(rawValue:)) {
                self.reasoning = true
                self.reasoningField = field
            } else if let bool = value.bool {
                self.reasoning = bool
            } else {
                throw OpenAIError.invalidRequest("Invalid mock control \(source): expected a boolean, \"reasoning\" or \"reasoning_content\"")
            }
        case "echo_headers":
            guard let bool = value.bool else {
                throw OpenAIError.invalidRequest("Invalid mock control \(source): expected a boolean")
            }
            self.echoHeaders = bool
        case "retry_after":
            guard let text = value.text else {
                throw OpenAIError.invalidRequest("Invalid mock control \(source): expected a string or integer")
            }
            self.retryAfter = text
        default:
            // Unknown controls are ignored so newer tests can run against an older mock.
            break
        }
    }
}

/// The message and delta field a reasoning trace is written to.
enum ReasoningField: String, Equatable, Sendable {
    case reasoningContent = "reasoning_content"
    case reasoning
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        var view = self[...]
        while view.first == " " || view.first == "\t" { view.removeFirst() }
        while view.last == " " || view.last == "\t" { view.removeLast() }
        return view
    }
}
