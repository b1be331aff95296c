import Hummingbird
import Testing

@testable import GangwayMockModel

@Suite struct MockControlsTests {
    @Test func readsEveryHeader() throws {
        let headers = HTTPFields.fields([
            "x-mock-status": "503",
            "X-Mock-Delay-Ms": "250",
            "x-mock-chunk-delay-ms": " 20 ",
            "x-mock-tokens": "7",
            "x-mock-tool-calls": "2",
            "x-mock-reasoning": "true",
            "x-mock-split-bytes": "3",
            "x-mock-retry-after": "12",
            "x-mock-echo-headers": "1",
            "x-other": "ignored",
        ])
        var expected = MockControls()
        expected.status = 503
        expected.delay = .milliseconds(250)
        expected.chunkDelay = .milliseconds(20)
        expected.tokens = 7
        expected.toolCalls = 2
        expected.reasoning = true
        expected.splitBytes = 3
        expected.retryAfter = "12"
        expected.echoHeaders = true
        #expect(try MockControls(headers: headers) == expected)
    }

    @Test func bodyOverridesHeaders() throws {
        var controls = try MockControls(headers: .fields(["x-mock-tokens": "7", "x-mock-reasoning": "1"]))
        try controls.merge(
            body: try JSONParser.parse(
                #"{"tokens":3,"reasoning":false,"status":"429","retry_after":30,"delay_ms":5,"chunk_delay_ms":1,"split_bytes":4,"tool_calls":1,"echo_headers":true,"future_knob":1}"#
            ))
        var expected = MockControls()
        expected.tokens = 3
        expected.reasoning = false
        expected.status = 429
        expected.retryAfter = "30"
        expected.delay = .milliseconds(5)
        expected.chunkDelay = .milliseconds(1)
        expected.splitBytes = 4
        expected.toolCalls = 1
        expected.echoHeaders = true
        #expect(controls == expected)
    }

    static let invalidHeaders: [(String, String)] = [
        ("x-mock-status", "200"),
        ("x-mock-status", "abc"),
        ("x-mock-tokens", "-1"),
        ("x-mock-split-bytes", "0"),
        ("x-mock-reasoning", "maybe"),
    ]

    @Test(arguments: invalidHeaders)
    func rejectsInvalidHeaderValue(name: String, value: String) {
        #expect(throws: OpenAIError.self) { try MockControls(headers: .fields([name: value])) }
    }

    /// `reasoning` takes a boolean or the name of the field that carries the trace.
    @Test(arguments: [
        (#"{"reasoning":true}"#, true, ReasoningField.reasoningContent),
        (#"{"reasoning":"reasoning"}"#, true, ReasoningField.reasoning),
        (#"{"reasoning":"reasoning_content"}"#, true, ReasoningField.reasoningContent),
        (#"{"reasoning":"off"}"#, false, ReasoningField.reasoningContent),
    ])
    func reasoningNamesItsField(body: String, reasoning: Bool, field: ReasoningField) throws {
        var controls = MockControls()
        try controls.merge(body: try JSONParser.parse(body))
        #expect(controls.reasoning == reasoning)
        #expect(controls.reasoningField == field)
    }

    @Test func reasoningFieldComesFromTheHeaderToo() throws {
        let controls = try MockControls(headers: .fields(["x-mock-reasoning": "reasoning"]))
        #expect(controls.reasoning && controls.reasoningField == .reasoning)
        #expect(throws: OpenAIError.self) { try MockControls(headers: .fields(["x-mock-reasoning": "thoughts"])) }
    }

    @Test func rejectsNonObjectMockField() throws {
        var controls = MockControls()
        #expect(throws: OpenAIError.self) { try controls.merge(body: .string("x")) }
        try controls.merge(body: .null)
        #expect(controls == MockControls())
    }
}
