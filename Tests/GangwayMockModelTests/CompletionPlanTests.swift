import Testing

@testable import GangwayMockModel

@Suite struct CompletionPlanTests {
    static let budgets: [(tokens: Int?, maxTokens: Int?, count: Int, finish: String)] = [
        (nil, nil, 16, "stop"),
        (nil, 5, 5, "length"),
        (nil, 0, 0, "length"),
        (3, nil, 3, "stop"),
        (3, 10, 3, "stop"),
        (10, 3, 3, "length"),
        (4, 4, 4, "stop"),
    ]

    @Test(arguments: budgets)
    func tokenBudget(tokens: Int?, maxTokens: Int?, count: Int, finish: String) {
        var controls = MockControls()
        controls.tokens = tokens
        let budget = CompletionPlan.tokenBudget(maxTokens: maxTokens, controls: controls, defaultTokens: 16)
        #expect(budget.count == count)
        #expect(budget.finishReason == finish)
    }

    static let argumentCases: [(properties: String, arguments: String)] = [
        ("{}", "{}"),
        (#"{"city":{"type":"string"}}"#, #"{"city":"sample"}"#),
        (
            #"{"z":{"type":"integer"},"a":{"type":"number"},"ok":{"type":"boolean"},"list":{"type":"array"},"obj":{"type":"object"},"none":{}}"#,
            #"{"z":42,"a":42,"ok":true,"list":null,"obj":null,"none":null}"#
        ),
        (#"{"maybe":{"type":["null","string"]}}"#, #"{"maybe":"sample"}"#),
        (#"{"say \"hi\"":{"type":"string"}}"#, #"{"say \"hi\"":"sample"}"#),
    ]

    @Test(arguments: argumentCases)
    func sampleArgumentsFollowDeclaredProperties(properties: String, arguments: String) throws {
        #expect(ToolDeclaration.sampleArguments(for: try JSONParser.parse(properties)) == arguments)
    }

    @Test func argumentFragmentsReassemble() {
        let call = PlannedToolCall(index: 2, tool: ToolDeclaration(name: "f", arguments: #"{"city":"sample","n":42}"#))
        #expect(call.id == "call_2")
        #expect(call.fragments == [#"{"city":"#, #""sample""#, #","n":42}"#])
        #expect(call.fragments.joined() == call.arguments)
    }

    static func chat(_ json: String) throws -> ChatRequest {
        try ChatRequest(json: try JSONParser.parse(json))
    }

    static let tools = #"[{"type":"function","function":{"name":"a"}},{"type":"function","function":{"name":"b"}},{"type":"function","function":{"name":"c"}}]"#

    static let toolChoices: [(request: String, toolCalls: Int?, called: [String])] = [
        (#"{"messages":[{"role":"user","content":"x"}]}"#, nil, []),
        (#"{"messages":[{"role":"user","content":"x"}],"tools":\#(tools)}"#, nil, ["a"]),
        (#"{"messages":[{"role":"user","content":"x"}],"tools":\#(tools)}"#, 2, ["a", "b"]),
        (#"{"messages":[{"role":"user","content":"x"}],"tools":\#(tools)}"#, 9, ["a", "b", "c"]),
        (#"{"messages":[{"role":"user","content":"x"}],"tools":\#(tools)}"#, 0, []),
        (#"{"messages":[{"role":"user","content":"x"}],"tools":\#(tools),"tool_choice":"none"}"#, nil, []),
        (#"{"messages":[{"role":"user","content":"x"}],"tools":\#(tools),"tool_choice":"required"}"#, nil, ["a"]),
        (
            #"{"messages":[{"role":"user","content":"x"}],"tools":\#(tools),"tool_choice":{"type":"function","function":{"name":"c"}}}"#,
            2, ["c"]
        ),
        (#"{"messages":[{"role":"tool","content":"sunny"}],"tools":\#(tools)}"#, nil, []),
    ]

    @Test(arguments: toolChoices)
    func choosesToolsToCall(request: String, toolCalls: Int?, called: [String]) throws {
        var controls = MockControls()
        controls.toolCalls = toolCalls
        let plan = CompletionPlan.chat(try Self.chat(request), controls: controls, defaultTokens: 4)
        switch plan.answer {
        case .toolCalls(let calls):
            #expect(calls.map(\.name) == called)
            #expect(plan.finishReason == "tool_calls")
        case .text(let tokens):
            #expect(called.isEmpty)
            #expect(tokens.count == 4)
        }
    }

    @Test func answerToToolResultQuotesIt() throws {
        let request = try Self.chat(
            #"{"messages":[{"role":"user","content":"weather?"},{"role":"tool","tool_call_id":"call_0","content":"sunny, 21 C"}],"tools":\#(Self.tools)}"#
        )
        let plan = CompletionPlan.chat(request, controls: MockControls(), defaultTokens: 3)
        #expect(plan.answer == .text([" Tool result: sunny, 21 C", MockVocabulary.token(at: 1), MockVocabulary.token(at: 2)]))
        #expect(plan.completionTokens == 3)
        #expect(plan.promptTokens == 4)
    }

    static let promptCounts: [(String, Int)] = [
        (#"{"messages":[]}"#, 0),
        (#"{"messages":[{"role":"user","content":"  one two\nthree\t"}]}"#, 3),
        (#"{"messages":[{"role":"system","content":"a b"},{"role":"user","content":[{"type":"text","text":"c d e"},{"type":"image_url"}]}]}"#, 5),
        (#"{"messages":[{"role":"assistant","content":null,"tool_calls":[]}]}"#, 0),
    ]

    @Test(arguments: promptCounts)
    func countsPromptWords(request: String, words: Int) throws {
        #expect(try Self.chat(request).promptTokens == words)
    }

    @Test func reasoningCountsTowardCompletionTokens() throws {
        var controls = MockControls()
        controls.reasoning = true
        let plan = CompletionPlan.chat(try Self.chat(#"{"messages":[],"max_tokens":2}"#), controls: controls, defaultTokens: 16)
        #expect(plan.reasoning == MockVocabulary.reasoningWords)
        #expect(plan.completionTokens == MockVocabulary.reasoningWords.count + 2)
    }

    static let badRequests: [(String, String?)] = [
        ("[]", nil),
        ("{}", "messages"),
        (#"{"messages":{}}"#, "messages"),
        (#"{"messages":[1]}"#, "messages"),
        (#"{"messages":[],"max_tokens":-1}"#, "max_tokens"),
        (#"{"messages":[],"max_tokens":1.5}"#, "max_tokens"),
        (#"{"messages":[],"stream":"yes"}"#, "stream"),
        (#"{"messages":[],"model":7}"#, "model"),
        (#"{"messages":[],"tools":{}}"#, "tools"),
        (#"{"messages":[],"tools":[{"type":"function","function":{}}]}"#, "tools"),
        (#"{"messages":[],"tool_choice":5}"#, "tool_choice"),
    ]

    @Test(arguments: badRequests)
    func rejectsMalformedChatRequest(request: String, param: String?) throws {
        let json = try JSONParser.parse(request)
        #expect(throws: OpenAIError.self) { try ChatRequest(json: json) }
        do {
            _ = try ChatRequest(json: json)
        } catch {
            #expect(error.status == .badRequest)
            #expect(error.param == param)
        }
    }
}
