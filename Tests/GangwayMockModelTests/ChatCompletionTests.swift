import GangwayMockModel
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ChatCompletionTests {
    static let sayHi = #"{"model":"gpt-test","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Say hi"}],"max_tokens":3}"#

    @Test func answersWithTheWholeCompletionObject() async throws {
        try await MockServer.run { client, _ in
            let response = try await client.post("/v1/chat/completions", json: Self.sayHi)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let id = try #require(try response.jsonObject["id"] as? String)
            #expect(id.wholeMatch(of: /chatcmpl-[0-9a-f]{16}/) != nil)
            #expect(
                response.text
                    == #"{"id":"\#(id)","object":"chat.completion","created":1700000000,"model":"gpt-test","choices":[{"index":0,"message":{"role":"assistant","content":" The quick brown"},"logprobs":null,"finish_reason":"length"}],"usage":{"prompt_tokens":4,"completion_tokens":3,"total_tokens":7}}"#
            )
        }
    }

    @Test func sameBodyGivesSameBytesAndOtherBodyAnotherId() async throws {
        try await MockServer.run { client, _ in
            let first = try await client.post("/v1/chat/completions", json: Self.sayHi)
            let second = try await client.post("/v1/chat/completions", json: Self.sayHi)
            let other = try await client.post("/v1/chat/completions", json: Self.sayHi.replacing("Say hi", with: "Say hello"))
            #expect(first.body == second.body)
            #expect(try first.jsonObject["id"] as? String != other.jsonObject["id"] as? String)
        }
    }

    static let models: [(requested: String, answered: String)] = [
        (#""model":"","#, "mock-model"),
        ("", "mock-model"),
        (#""model":"llama-3","#, "llama-3"),
    ]

    @Test(arguments: models)
    func modelIsTheRequestedOneOrTheConfiguredName(requested: String, answered: String) async throws {
        try await MockServer.run { client, _ in
            let response = try await client.post("/v1/chat/completions", json: #"{\#(requested)"messages":[]}"#)
            #expect(try response.jsonObject["model"] as? String == answered)
        }
    }

    static let lengths: [(body: String, content: String, finish: String)] = [
        (#"{"messages":[]}"#, MockVocabulary.text(tokens: 16), "stop"),
        (#"{"messages":[],"max_completion_tokens":20,"max_tokens":2}"#, MockVocabulary.text(tokens: 20), "length"),
        (#"{"messages":[],"max_tokens":0}"#, "", "length"),
        (#"{"messages":[],"mock":{"tokens":2}}"#, " The quick", "stop"),
        (#"{"messages":[],"max_tokens":1,"mock":{"tokens":2}}"#, " The", "length"),
    ]

    @Test(arguments: lengths)
    func contentLengthFollowsLimits(body: String, content: String, finish: String) async throws {
        try await MockServer.run { client, _ in
            let object = try await client.post("/v1/chat/completions", json: body).jsonObject
            let choice = try #require((object["choices"] as? [[String: Any]])?.first)
            #expect((choice["message"] as? [String: Any])?["content"] as? String == content)
            #expect(choice["finish_reason"] as? String == finish)
        }
    }

    @Test func defaultLengthComesFromConfiguration() async throws {
        try await MockServer.run(.init(defaultCompletionTokens: 3)) { client, _ in
            let object = try await client.post("/v1/chat/completions", json: #"{"messages":[]}"#).jsonObject
            #expect((object["usage"] as? [String: Int]) == ["prompt_tokens": 0, "completion_tokens": 3, "total_tokens": 3])
        }
    }

    @Test func reasoningFieldCanBeNamedReasoning() async throws {
        try await MockServer.run { client, _ in
            let response = try await client.post(
                "/v1/chat/completions", json: #"{"messages":[],"max_tokens":2,"mock":{"reasoning":"reasoning"}}"#)
            let object = try response.jsonObject
            let message = try #require(((object["choices"] as? [[String: Any]])?.first)?["message"] as? [String: Any])
            #expect(message["reasoning"] as? String == MockVocabulary.reasoningWords.joined())
            #expect(message["reasoning_content"] == nil)
        }
    }

    @Test func reasoningComesWithTheMessage() async throws {
        try await MockServer.run { client, _ in
            let response = try await client.post(
                "/v1/chat/completions", json: #"{"messages":[],"max_tokens":2}"#, headers: .fields(["x-mock-reasoning": "1"]))
            let object = try response.jsonObject
            let message = try #require(((object["choices"] as? [[String: Any]])?.first)?["message"] as? [String: Any])
            #expect(message["reasoning_content"] as? String == MockVocabulary.reasoningWords.joined())
            #expect(message["content"] as? String == " The quick")
            #expect(response.text.hasSuffix(#""usage":{"prompt_tokens":0,"completion_tokens":8,"total_tokens":8,"completion_tokens_details":{"reasoning_tokens":6}}}"#))
        }
    }
}
