import AsyncHTTPClient
import Foundation
import GangwayCore
import GangwayMockModel
import GangwayTesting
import NIOCore
import NIOPosix
import Testing

@Suite("Errors in the OpenAI envelope", .serialized)
struct ErrorTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let method: String
        let path: String
        let body: String?
        let status: Int
        let type: String
        let messageContains: String
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "unknown endpoint", method: "POST", path: "/endpoints/nope/openai/v1/chat/completions", body: chatBody,
            status: 400, type: "validation_error", messageContains: "Endpoint nope of account 123456789012 not found."),
        Case(
            name: "malformed JSON", method: "POST", path: "/endpoints/demo/openai/v1/chat/completions",
            body: #"{"messages": [}"#, status: 400, type: "invalid_request_error", messageContains: "not valid JSON"),
        Case(
            name: "not an object", method: "POST", path: "/endpoints/demo/openai/v1/chat/completions", body: "[1,2]",
            status: 400, type: "invalid_request_error", messageContains: "expected a JSON object"),
        Case(
            name: "empty body", method: "POST", path: "/endpoints/demo/openai/v1/chat/completions", body: "",
            status: 400, type: "invalid_request_error", messageContains: "empty body"),
        Case(
            name: "body over the limit", method: "POST", path: "/endpoints/demo/openai/v1/chat/completions",
            body: #"{"messages":[{"role":"user","content":""# + String(repeating: "x", count: 3000) + #""}]}"#,
            status: 413, type: "invalid_request_error", messageContains: "exceeds the limit of 2048 bytes"),
        Case(
            name: "wrong method", method: "GET", path: "/endpoints/demo/openai/v1/chat/completions", body: nil,
            status: 405, type: "invalid_request_error", messageContains: "use POST"),
        Case(
            name: "unknown OpenAI path", method: "POST", path: "/endpoints/demo/openai/v1/images/generations", body: "{}",
            status: 404, type: "invalid_request_error", messageContains: "Unknown path"),
        Case(
            name: "unknown gateway path", method: "GET", path: "/nothing/here", body: nil,
            status: 404, type: "invalid_request_error", messageContains: "Unknown path /nothing/here"),
    ]

    @Test("gateway errors", arguments: cases)
    func gatewayErrors(_ testCase: Case) async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(try singleModelConfig(["demo": [mock]], extra: "max_body_bytes: 2048"))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }

        let reply = try await gangway.send(
            .init(rawValue: testCase.method), gangway.baseURL + testCase.path, body: testCase.body.map { Array($0.utf8) })
        #expect(reply.status == testCase.status)
        #expect(reply.headers.first(name: "content-type") == "application/json")
        let error = try #require(try reply.json()["error"] as? [String: Any])
        #expect(error["type"] as? String == testCase.type)
        #expect((error["message"] as? String)?.contains(testCase.messageContains) == true, "\(reply.text)")
        #expect(error["code"] is String)
        #expect(mock.stats.requests == 0)
    }

    @Test("time to first byte over the limit is a 504")
    func firstByteTimeout() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(
            try singleModelConfig(["demo": [mock]], extra: "timeouts: { first_byte: 300ms }"))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let reply = try await gangway.post(
            gangway.openAIBase(endpoint: "demo") + "/chat/completions", json: chatBody, headers: [("x-mock-delay-ms", "3000")])
        #expect(reply.status == 504)
        #expect(reply.text.contains("time to first byte"))
    }

    @Test("an idle gap over the limit ends the stream with an error event")
    func idleTimeoutEndsStream() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(
            try singleModelConfig(["demo": [mock]], extra: "timeouts: { idle: 300ms }"))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let body = #"{"model":"","stream":true,"max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#
        let reply = try await gangway.post(
            gangway.openAIBase(endpoint: "demo") + "/chat/completions", json: body, headers: [("x-mock-chunk-delay-ms", "2000")])
        #expect(reply.status == 200)
        let events = sseData(reply.text)
        #expect(events.last?.contains(#""code":"instance_timeout""#) == true, "\(events)")
        #expect(!events.contains("[DONE]"))
    }

    @Test("a stream that outlives the total timeout is ended with an error event, though chunks keep coming")
    func totalTimeoutEndsStream() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(
            try singleModelConfig(["demo": [mock]], extra: "timeouts: { total: 800ms, idle: 10s }"))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let body = #"{"model":"","stream":true,"max_tokens":30,"messages":[{"role":"user","content":"hi"}]}"#
        let started = ContinuousClock.now
        let reply = try await gangway.post(
            gangway.openAIBase(endpoint: "demo") + "/chat/completions", json: body, headers: [("x-mock-chunk-delay-ms", "100")])
        let elapsed = ContinuousClock.now - started
        let events = sseData(reply.text)
        #expect(events.count > 3, "chunks flowed before the deadline")
        #expect(events.last?.contains(#""code":"instance_timeout""#) == true, "\(events)")
        #expect(events.last?.contains("total timeout") == true)
        #expect(elapsed < .seconds(2))
        #expect(await eventually { mock.stats.abortedStreams == 1 })
    }

    @Test("an instance that drops the connection is a 502")
    func droppedConnectionIsBadGateway() async throws {
        // A TCP server that accepts and closes at once: reachable, but never answers.
        let closer = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in channel.close() }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(closer.localAddress?.port)
        let config = try GangwayInstance.config(
            yaml: "health_check: { interval: 1h }\nendpoints: [{ name: demo, instances: [\"http://127.0.0.1:\(port)\"] }]")
        let gangway = try await GangwayInstance.start(config)
        defer { Task { await gangway.server.stop(); try? await closer.close() } }
        let reply = try await gangway.post(gangway.openAIBase(endpoint: "demo") + "/chat/completions", json: chatBody)
        #expect(reply.status == 502)
        #expect(reply.text.contains("instance_unreachable"))
    }

    @Test("an endpoint whose only instance is refusing connections answers 502, then 503 once out of rotation")
    func refusedThenUnhealthy() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(
            try singleModelConfig(["demo": [mock]], extra: "health_check: { interval: 1h }"))
        defer { Task { await gangway.server.stop() } }
        await mock.server.stop()
        let url = gangway.openAIBase(endpoint: "demo") + "/chat/completions"
        let first = try await gangway.post(url, json: chatBody)
        #expect(first.status == 502)
        let second = try await gangway.post(url, json: chatBody)
        #expect(second.status == 503)
    }
}
