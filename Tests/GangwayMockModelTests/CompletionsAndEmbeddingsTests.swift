import Foundation
import GangwayMockModel
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct CompletionsAndEmbeddingsTests {
    @Test func legacyCompletionIsWholeTextCompletion() async throws {
        try await MockServer.run { client, _ in
            let response = try await client.post("/v1/completions", json: #"{"model":"m","prompt":"Once upon a time","max_tokens":2}"#)
            let id = try #require(try response.jsonObject["id"] as? String)
            #expect(id.wholeMatch(of: /cmpl-[0-9a-f]{16}/) != nil)
            #expect(
                response.text
                    == #"{"id":"\#(id)","object":"text_completion","created":1700000000,"model":"m","choices":[{"text":" The quick","index":0,"logprobs":null,"finish_reason":"length"}],"usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6}}"#
            )
        }
    }

    @Test func legacyCompletionStreams() async throws {
        try await MockServer.run { client, _ in
            let events = try await client.post(
                "/v1/completions", json: #"{"prompt":["a b",[1,2,3]],"stream":true,"stream_options":{"include_usage":true},"mock":{"tokens":2}}"#
            ).events
            let id = try #require(try jsonObject(events[0])["id"] as? String)
            let head = #"{"id":"\#(id)","object":"text_completion","created":1700000000,"model":"mock-model","choices":["#
            #expect(
                events == [
                    head + #"{"text":" The","index":0,"logprobs":null,"finish_reason":null}],"usage":null}"#,
                    head + #"{"text":" quick","index":0,"logprobs":null,"finish_reason":null}],"usage":null}"#,
                    head + #"{"text":"","index":0,"logprobs":null,"finish_reason":"stop"}],"usage":null}"#,
                    head + #"],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}"#,
                    "[DONE]",
                ])
        }
    }

    static func vectors(_ object: [String: Any]) throws -> [[Double]] {
        let data = try #require(object["data"] as? [[String: Any]])
        for (offset, item) in data.enumerated() {
            #expect(item["index"] as? Int == offset)
            #expect(item["object"] as? String == "embedding")
        }
        return try data.map { try #require($0["embedding"] as? [Double]) }
    }

    @Test func embeddingsAreDeterministicPerText() async throws {
        try await MockServer.run { client, _ in
            let pair = try await client.post("/v1/embeddings", json: #"{"model":"e","input":["a","b"]}"#)
            let single = try await client.post("/v1/embeddings", json: #"{"input":"b"}"#)
            let vectors = try Self.vectors(try pair.jsonObject)
            #expect(vectors.count == 2)
            #expect(vectors.allSatisfy { $0.count == 8 && $0.allSatisfy { (-1...1).contains($0) } })
            #expect(vectors[0] != vectors[1])
            #expect(Set(vectors[0]) != Set(vectors[1]))
            #expect(try Self.vectors(try single.jsonObject) == [vectors[1]])
            #expect(try pair.jsonObject["model"] as? String == "e")
            #expect(try pair.jsonObject["usage"] as? [String: Int] == ["prompt_tokens": 2, "total_tokens": 2])
        }
    }

    @Test(arguments: [(nil, 8), (3, 3), (1536, 1536)] as [(Int?, Int)])
    func embeddingLengthFollowsDimensions(dimensions: Int?, length: Int) async throws {
        try await MockServer.run { client, _ in
            let field = dimensions.map { #","dimensions":\#($0)"# } ?? ""
            let vectors = try Self.vectors(try await client.post("/v1/embeddings", json: #"{"input":[[1,2],[3]]\#(field)}"#).jsonObject)
            #expect(vectors.map(\.count) == [length, length])
        }
    }

    @Test func base64EmbeddingsDecodeToTheFloatValues() async throws {
        try await MockServer.run { client, _ in
            let floats = try Self.vectors(try await client.post("/v1/embeddings", json: #"{"input":"hello"}"#).jsonObject)[0]
            let encoded = try await client.post("/v1/embeddings", json: #"{"input":"hello","encoding_format":"base64"}"#).jsonObject
            let text = try #require(((encoded["data"] as? [[String: Any]])?.first)?["embedding"] as? String)
            let bytes = try #require(Data(base64Encoded: text))
            let decoded = stride(from: 0, to: bytes.count, by: 4).map { offset in
                Float(bitPattern: bytes[offset..<offset + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            }
            #expect(decoded.count == floats.count)
            for (value, expected) in zip(decoded, floats) {
                #expect(abs(Double(value) - expected) < 1e-6)
            }
        }
    }
}
