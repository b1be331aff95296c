import Foundation
import GangwayMockModel
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ToolCallTests {
    static let tools = #"""
        [{"type":"function","function":{"name":"get_weather","description":"d","parameters":{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"},"metric":{"type":"boolean"}},"required":["city"]}}},
         {"type":"function","function":{"name":"lookup_日本","parameters":{"type":"object","properties":{"query":{"type":"string","description":"q"},"limit":{"type":"number"},"filters":{"type":"object"}}}}},
         {"type":"function","function":{"name":"unused","parameters":{"type":"object","properties":{}}}}]
        """#

    static func request(stream: Bool) -> String {
        #"{"model":"m","messages":[{"role":"user","content":"Weather in Paris?"}],"tools":\#(tools),"stream":\#(stream)}"#
    }

    struct Call: Equatable {
        var id: String
        var name: String
        var arguments: String
    }

    static func wholeCalls(_ object: [String: Any]) throws -> (calls: [Call], finish: String?, content: Any?) {
        let choice = try #require((object["choices"] as? [[String: Any]])?.first)
        let message = try #require(choice["message"] as? [String: Any])
        let calls = try #require(message["tool_calls"] as? [[String: Any]]).map { call in
            let function = try #require(call["function"] as? [String: Any])
            #expect(call["type"] as? String == "function")
            return Call(id: try #require(call["id"] as? String), name: try #require(function["name"] as? String), arguments: try #require(function["arguments"] as? String))
        }
        return (calls, choice["finish_reason"] as? String, message["content"] as Any?)
    }

    /// Rebuilds the calls from stream deltas the way OpenAI client libraries do: by `index`.
    static func reassembledCalls(_ events: [String]) throws -> (calls: [Call], finish: String?) {
        var calls: [Call] = []
        var finish: String?
        for event in events.dropLast() {
            let choice = try #require((try jsonObject(event)["choices"] as? [[String: Any]])?.first)
            finish = (choice["finish_reason"] as? String) ?? finish
            for delta in ((choice["delta"] as? [String: Any])?["tool_calls"] as? [[String: Any]]) ?? [] {
                let index = try #require(delta["index"] as? Int)
                let function = delta["function"] as? [String: Any] ?? [:]
                if index == calls.count {
                    calls.append(Call(id: try #require(delta["id"] as? String), name: try #require(function["name"] as? String), arguments: ""))
                }
                calls[index].arguments += function["arguments"] as? String ?? ""
            }
        }
        return (calls, finish)
    }

    @Test func callsTheFirstToolWithSampleArguments() async throws {
        try await MockServer.run { client, _ in
            let response = try await client.post("/v1/chat/completions", json: Self.request(stream: false))
            let (calls, finish, content) = try Self.wholeCalls(try response.jsonObject)
            #expect(calls == [Call(id: "call_0", name: "get_weather", arguments: #"{"city":"sample","days":42,"metric":true}"#)])
            #expect(finish == "tool_calls")
            #expect(content is NSNull)
        }
    }

    static let callCounts: [(headers: KeyValuePairs<String, String>, mock: String, names: [String])] = [
        (["x-mock-tool-calls": "2"], "", ["get_weather", "lookup_日本"]),
        ([:], #","mock":{"tool_calls":2}"#, ["get_weather", "lookup_日本"]),
        (["x-mock-tool-calls": "5"], "", ["get_weather", "lookup_日本", "unused"]),
    ]

    @Test(arguments: callCounts)
    func streamedCallsReassembleToTheWholeAnswer(headers: KeyValuePairs<String, String>, mock: String, names: [String]) async throws {
        try await MockServer.run { client, _ in
            let whole = try await client.post(
                "/v1/chat/completions", json: String(Self.request(stream: false).dropLast()) + mock + "}", headers: .fields(headers))
            let streamed = try await client.post(
                "/v1/chat/completions", json: String(Self.request(stream: true).dropLast()) + mock + "}", headers: .fields(headers))
            let expected = try Self.wholeCalls(try whole.jsonObject)
            let events = try streamed.events
            let rebuilt = try Self.reassembledCalls(events)
            #expect(expected.calls.map(\.name) == names)
            #expect(rebuilt.calls == expected.calls)
            #expect(rebuilt.finish == "tool_calls")
            #expect(events.last == "[DONE]")
            #expect(expected.calls.map(\.id) == names.indices.map { "call_\($0)" })
            let lookup = try #require(expected.calls.dropFirst().first).arguments
            #expect(try jsonObject(lookup) as NSDictionary == ["query": "sample", "limit": 42, "filters": NSNull()] as NSDictionary)
        }
    }

    @Test func streamedCallsHaveTheOpenAIChunkShape() async throws {
        try await MockServer.run { client, _ in
            let events = try await client.post("/v1/chat/completions", json: Self.request(stream: true)).events
            let id = try #require(try jsonObject(events[0])["id"] as? String)
            let head = #"{"id":"\#(id)","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[{"index":0,"delta":"#
            let tail = #","logprobs":null,"finish_reason":null}]}"#
            let fragments = [#"{"city":"#, #""sample""#, #","days":"#, #"42,"metr"#, #"ic":true"#, "}"]
            let expected =
                [
                    head + #"{"role":"assistant","content":null}"# + tail,
                    head + #"{"tool_calls":[{"index":0,"id":"call_0","type":"function","function":{"name":"get_weather","arguments":""}}]}"# + tail,
                ]
                + fragments.map { head + #"{"tool_calls":[{"index":0,"function":{"arguments":\#(JSONEscaped($0))}}]}"# + tail }
                + [head + #"{},"logprobs":null,"finish_reason":"tool_calls"}]}"#, "[DONE]"]
            #expect(events == expected)
        }
    }

    static let textAnswers: [(body: String, prefix: String)] = [
        (#"{"messages":[{"role":"user","content":"hi"}],"tools":\#(tools),"tool_choice":"none","max_tokens":2}"#, " The"),
        (
            #"{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_0","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},{"role":"tool","tool_call_id":"call_0","content":"Sunny, 21 °C"}],"tools":\#(tools),"max_tokens":2}"#,
            " Tool result: Sunny, 21 °C"
        ),
    ]

    @Test(arguments: textAnswers)
    func answersWithTextWhenToolsAreNotToBeCalled(body: String, prefix: String) async throws {
        try await MockServer.run { client, _ in
            let object = try await client.post("/v1/chat/completions", json: body).jsonObject
            let choice = try #require((object["choices"] as? [[String: Any]])?.first)
            let message = try #require(choice["message"] as? [String: Any])
            #expect(message["tool_calls"] == nil)
            #expect((message["content"] as? String)?.hasPrefix(prefix) == true)
            #expect(choice["finish_reason"] as? String == "length")
        }
    }
}

/// `text` as a quoted JSON string, escaped by Foundation.
func JSONEscaped(_ text: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
    return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
}
