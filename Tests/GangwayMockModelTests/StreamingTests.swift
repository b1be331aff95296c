import Foundation
import GangwayMockModel
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct StreamingTests {
    static let request = #"{"model":"gpt-test","messages":[{"role":"user","content":"Say hi"}],"stream":true,"max_tokens":3}"#

    /// The expected events after the `data: ` prefix, given the stream's id.
    static func expectedEvents(id: String, usage: Bool) -> [String] {
        let head = #"{"id":"\#(id)","object":"chat.completion.chunk","created":1700000000,"model":"gpt-test","#
        let tail = usage ? #","usage":null}"# : "}"
        var events = [
            head + #""choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]"# + tail,
            head + #""choices":[{"index":0,"delta":{"content":" The"},"logprobs":null,"finish_reason":null}]"# + tail,
            head + #""choices":[{"index":0,"delta":{"content":" quick"},"logprobs":null,"finish_reason":null}]"# + tail,
            head + #""choices":[{"index":0,"delta":{"content":" brown"},"logprobs":null,"finish_reason":null}]"# + tail,
            head + #""choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"length"}]"# + tail,
        ]
        if usage {
            events.append(head + #""choices":[],"usage":{"prompt_tokens":2,"completion_tokens":3,"total_tokens":5}}"#)
        }
        events.append("[DONE]")
        return events
    }

    static func firstId(_ events: [String]) throws -> String {
        let first = try #require(events.first)
        return try #require(try jsonObject(first)["id"] as? String)
    }

    @Test(arguments: [false, true])
    func streamsTheExactEventSequence(includeUsage: Bool) async throws {
        let body = includeUsage ? String(Self.request.dropLast()) + #","stream_options":{"include_usage":true}}"# : Self.request
        try await MockServer.run { client, stats in
            let response = try await client.post("/v1/chat/completions", json: body)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            #expect(response.headers[.cacheControl] == "no-cache")
            let events = try response.events
            #expect(events == Self.expectedEvents(id: try Self.firstId(events), usage: includeUsage))
            try await eventually { stats.completedStreams == 1 && stats.activeStreams == 0 }
        }
    }

    @Test(arguments: [nil, 1000.0])
    func streamedTextEqualsTheWholeAnswer(tokensPerSecond: Double?) async throws {
        try await MockServer.run(.init(tokensPerSecond: tokensPerSecond)) { client, _ in
            let whole = try await client.post("/v1/chat/completions", json: #"{"messages":[],"max_tokens":40}"#).jsonObject
            let wholeChoice = try #require((whole["choices"] as? [[String: Any]])?.first)
            let events = try await client.post("/v1/chat/completions", json: #"{"messages":[],"max_tokens":40,"stream":true}"#).events
            #expect(events.last == "[DONE]")
            var text = ""
            var finish: String?
            for event in events.dropLast() {
                let choice = try #require((try jsonObject(event)["choices"] as? [[String: Any]])?.first)
                text += ((choice["delta"] as? [String: Any])?["content"] as? String) ?? ""
                finish = (choice["finish_reason"] as? String) ?? finish
            }
            #expect(text == (wholeChoice["message"] as? [String: Any])?["content"] as? String)
            #expect(text == MockVocabulary.text(tokens: 40))
            #expect(finish == wholeChoice["finish_reason"] as? String)
            #expect(events.count == 40 + 3)
        }
    }

    @Test func reasoningDeltasComeBeforeContent() async throws {
        try await MockServer.run { client, _ in
            let events = try await client.post(
                "/v1/chat/completions", json: #"{"messages":[],"stream":true,"mock":{"reasoning":true,"tokens":2}}"#
            ).events
            let deltas = try events.dropLast().map { event in
                try #require(((try jsonObject(event)["choices"] as? [[String: Any]])?.first)?["delta"] as? [String: Any])
            }
            let kinds = deltas.map { $0.keys.sorted().joined(separator: "+") }
            #expect(kinds == ["content+role"] + Array(repeating: "reasoning_content", count: 6) + ["content", "content", ""])
            #expect(deltas.compactMap { $0["reasoning_content"] as? String }.joined() == MockVocabulary.reasoningWords.joined())
        }
    }

    @Test func echoedHeadersRideOnTheFirstChunk() async throws {
        try await MockServer.run { client, _ in
            let response = try await client.post(
                "/v1/chat/completions", json: #"{"messages":[],"stream":true,"max_tokens":1}"#,
                headers: .fields(["x-mock-echo-headers": "true", "X-Trace": "a", "x-trace": "b", "x-amzn-sagemaker-custom-attributes": "k=v"])
            )
            let events = try response.events
            let echoed = try #require(try jsonObject(events[0])["mock_headers"] as? [String: String])
            #expect(echoed["x-trace"] == "a, b")
            #expect(echoed["x-amzn-sagemaker-custom-attributes"] == "k=v")
            #expect(try jsonObject(events[1])["mock_headers"] == nil)
        }
    }
}
