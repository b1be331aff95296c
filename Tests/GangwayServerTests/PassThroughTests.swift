import AsyncHTTPClient
import Foundation
import GangwayCore
import GangwayMockModel
import GangwayTesting
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@Suite("Pass-through", .serialized)
struct PassThroughTests {
    static let oddBodies: [String] = [
        #"{"model":"","messages":[{"role":"user","content":"Hello"}]}"#,
        "{\n  \"messages\" :\t[ {\"content\":\"Grüße aus Zürich 日本語 🚀\", \"role\":\"user\"} ] ,\"model\":\"x\"  }\n",
        #"{"z":1,"a":{"nested":[1,2.5e3,-0.0,true,false,null]},"messages":[{"role":"user","content":"\u00e9\"q\""}],"model":""}"#,
    ]

    @Test("request and response bodies pass byte for byte", arguments: oddBodies)
    func bodiesAreByteIdentical(body: String) async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(try singleModelConfig(["demo": [mock]]))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }

        let direct = try await HTTPTestClient.post("\(mock.url)/v1/chat/completions", json: body)
        let directReceived = mock.stats.lastRequestBody
        let proxied = try await gangway.post(gangway.openAIBase(endpoint: "demo") + "/chat/completions", json: body)
        let proxiedReceived = mock.stats.lastRequestBody

        #expect(directReceived == Array(body.utf8))
        #expect(proxiedReceived == Array(body.utf8))
        #expect(proxied.status == 200)
        #expect(proxied.body == direct.body)
        #expect(proxied.headers.first(name: "content-type") == direct.headers.first(name: "content-type"))
    }

    @Test("an instance's own error passes through unchanged")
    func instanceErrorPassesThrough() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(try singleModelConfig(["demo": [mock]]))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }

        let headers = [("x-mock-status", "429"), ("x-mock-retry-after", "7")]
        let direct = try await HTTPTestClient.post("\(mock.url)/v1/chat/completions", json: chatBody, headers: headers)
        let proxied = try await gangway.post(
            gangway.openAIBase(endpoint: "demo") + "/chat/completions", json: chatBody, headers: headers)
        #expect(direct.status == 429)
        #expect(proxied.status == 429)
        #expect(proxied.body == direct.body)
        #expect(proxied.headers.first(name: "retry-after") == "7")
    }

    @Test("a paced stream reaches the client chunk by chunk, equal to the instance's")
    func streamIsRelayedAsItArrives() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(try singleModelConfig(["demo": [mock]]))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let body = #"{"model":"","stream":true,"stream_options":{"include_usage":true},"max_tokens":8,"messages":[{"role":"user","content":"hi"}]}"#
        let pace = [("x-mock-chunk-delay-ms", "150")]

        let direct = try await HTTPTestClient.post("\(mock.url)/v1/chat/completions", json: body, headers: pace)

        var request = HTTPClientRequest(url: gangway.openAIBase(endpoint: "demo") + "/chat/completions")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "authorization", value: "Bearer " + gangway.bearerToken())
        request.headers.add(name: "x-mock-chunk-delay-ms", value: "150")
        request.body = .bytes(ByteBuffer(string: body))
        let started = ContinuousClock.now
        request.headers.add(name: "connection", value: "close")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        var firstChunkAt: Duration?
        var received: [UInt8] = []
        for try await chunk in response.body {
            if firstChunkAt == nil { firstChunkAt = ContinuousClock.now - started }
            received += chunk.readableBytesView
        }
        let finishedAt = ContinuousClock.now - started

        #expect(response.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
        // 8 tokens at 150 ms each take over a second; the first chunk must not wait for them.
        #expect(finishedAt > .milliseconds(1000))
        #expect(try #require(firstChunkAt) < finishedAt / 3)
        #expect(sseData(String(decoding: received, as: UTF8.self)) == sseData(direct.text))
        #expect(sseData(direct.text).last == "[DONE]")
    }

    @Test("a client that disconnects mid-stream closes the instance's connection within a second")
    func disconnectCancelsUpstream() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(try singleModelConfig(["demo": [mock]]))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let body = #"{"model":"","stream":true,"max_tokens":1000,"messages":[{"role":"user","content":"hi"}]}"#

        let client = HTTPClient(eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton))
        defer { Task { try? await client.shutdown() } }
        var request = HTTPClientRequest(url: gangway.openAIBase(endpoint: "demo") + "/chat/completions")
        request.method = .POST
        request.headers.add(name: "authorization", value: "Bearer " + gangway.bearerToken())
        request.headers.add(name: "x-mock-chunk-delay-ms", value: "200")
        request.body = .bytes(ByteBuffer(string: body))
        let reader = Task {
            let response = try await client.execute(request, timeout: .seconds(30))
            for try await _ in response.body {}
        }
        #expect(await eventually { mock.stats.activeStreams == 1 } == true)
        try? await Task.sleep(for: .milliseconds(300))
        reader.cancel()
        _ = await reader.result
        try await client.shutdown()
        let cancelledAt = ContinuousClock.now
        #expect(await eventually(within: .seconds(1)) { mock.stats.abortedStreams == 1 })
        #expect(ContinuousClock.now - cancelledAt < .seconds(1))
        #expect(mock.stats.completedStreams == 0)
    }

    @Test("the models list and other /openai/v1 paths are forwarded")
    func otherPathsForwarded() async throws {
        let mock = try await MockInstance.start(MockModelConfiguration(modelName: "tiny-llama"))
        let gangway = try await GangwayInstance.start(try singleModelConfig(["demo": [mock]]))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let base = gangway.openAIBase(endpoint: "demo")

        let models = try await gangway.send(.GET, base + "/models")
        #expect(models.status == 200)
        #expect(models.text.contains(#""id":"tiny-llama""#))
        let embeddings = try await gangway.post(base + "/embeddings", json: #"{"model":"","input":"hello"}"#)
        let directEmbeddings = try await HTTPTestClient.post("\(mock.url)/v1/embeddings", json: #"{"model":"","input":"hello"}"#)
        #expect(embeddings.status == 200)
        #expect(embeddings.body == directEmbeddings.body)
        let completions = try await gangway.post(base + "/completions", json: #"{"model":"","prompt":"Say"}"#)
        #expect(completions.status == 200)
        #expect(completions.text.contains("text_completion"))
    }
}
