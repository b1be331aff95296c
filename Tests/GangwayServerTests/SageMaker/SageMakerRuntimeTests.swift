import Foundation
import GangwayCore
import GangwayMockModel
import GangwayTesting
import Testing

/// InvokeEndpoint and InvokeEndpointWithResponseStream through a running Gangway, against
/// mock model instances reached both through the door and directly.
@Suite("SageMaker runtime API", .serialized)
struct SageMakerRuntimeTests {
    /// One single-model endpoint `demo` (with `extra` endpoint keys), and `shared` hosting a component.
    static func start(
        _ instances: [MockInstance], extra: String = ""
    ) async throws -> GangwayInstance {
        var yaml = "endpoints:\n  - name: demo\n"
        if !extra.isEmpty { yaml += extra.split(separator: "\n").map { "    \($0)\n" }.joined() }
        yaml += "    instances:\n"
        for instance in instances { yaml += "      - url: \(instance.url)\n" }
        yaml += "  - name: shared\n    inference_components:\n      - name: general\n        instances:\n"
        yaml += "          - url: \(instances[0].url)\n"
        return try await GangwayInstance.start(try GangwayInstance.config(yaml: yaml))
    }

    static let streamingChat = #"{"model":"","messages":[{"role":"user","content":"Hi"}],"stream":true,"mock":{"tokens":12}}"#

    @Test("a non-JSON body goes to /invocations and back byte for byte, with SageMaker's headers")
    func echo() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await Self.start([mock])
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }

        let body: [UInt8] = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 31) }
        let reply = try await gangway.send(
            .POST, gangway.baseURL + "/endpoints/demo/invocations", body: body,
            headers: [("Content-Type", "application/x-custom"), ("X-Amzn-SageMaker-Custom-Attributes", "trace=1,c=2")])
        #expect(reply.status == 200)
        #expect(reply.body == body)
        #expect(reply.headers.first(name: "content-type") == "application/x-custom")
        #expect(reply.headers.first(name: "x-amzn-invoked-production-variant") == "AllTraffic")
        #expect(reply.headers.first(name: "x-amzn-sagemaker-custom-attributes") == "trace=1,c=2")
    }

    @Test("a chat body is answered as the instance answers it directly")
    func chat() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await Self.start([mock])
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }

        let through = try await gangway.post(gangway.baseURL + "/endpoints/demo/invocations", json: chatBody)
        let direct = try await HTTPTestClient.post(mock.url + "/invocations", json: chatBody)
        #expect(through.status == 200)
        #expect(through.text == direct.text)
        #expect(through.headers.first(name: "content-type") == "application/json")
    }

    @Test("only SageMaker's headers reach the instance")
    func forwardedHeaders() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await Self.start([mock])
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }

        let body = #"{"messages":[{"role":"user","content":"Hi"}],"mock":{"echo_headers":true}}"#
        let reply = try await gangway.post(
            gangway.baseURL + "/endpoints/demo/invocations", json: body,
            headers: [
                ("Accept", "application/json"), ("X-Amzn-SageMaker-Custom-Attributes", "a=1"),
                ("X-Amzn-SageMaker-Inference-Id", "inf-7"), ("X-Amzn-SageMaker-Target-Variant", "AllTraffic"),
                ("X-Other", "private"), ("Cookie", "session=secret"),
            ])
        #expect(reply.status == 200)
        let received = try #require(try reply.json()["mock_headers"] as? [String: String])
        #expect(received["content-type"] == "application/json")
        #expect(received["accept"] == "application/json")
        #expect(received["x-amzn-sagemaker-custom-attributes"] == "a=1")
        #expect(received["x-amzn-sagemaker-inference-id"] == "inf-7")
        #expect(received["x-amzn-sagemaker-target-variant"] == "AllTraffic")
        for name in ["x-other", "cookie", "authorization", "x-amz-date"] {
            #expect(received[name] == nil, "\(name) reached the instance")
        }
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var name: String
        var path: String
        var body: String
        var headers: [(String, String)] = []
        var status: Int
        var type: String
        var errorCode: String? = nil
        var messageContains: String
        var testDescription: String { name }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(
            name: "component header missing", path: "/endpoints/shared/invocations", body: chatBody, status: 400,
            type: "ValidationError", errorCode: "INFERENCE_COMPONENT_NAME_MISSING", messageContains: "X-Amzn-SageMaker-Inference-Component"),
        ErrorCase(
            name: "component header missing (stream)", path: "/endpoints/shared/invocations-response-stream", body: chatBody,
            status: 400, type: "ValidationError", errorCode: "INFERENCE_COMPONENT_NAME_MISSING", messageContains: "inference components"),
        ErrorCase(
            name: "unknown component", path: "/endpoints/shared/invocations", body: chatBody,
            headers: [("X-Amzn-SageMaker-Inference-Component", "nope")], status: 400, type: "ValidationError",
            messageContains: "Inference Component nope of account 123456789012 not found"),
        ErrorCase(
            name: "unknown endpoint", path: "/endpoints/nope/invocations", body: chatBody, status: 400, type: "ValidationError",
            messageContains: "Endpoint nope of account 123456789012 not found."),
        ErrorCase(
            name: "body over 6 MiB", path: "/endpoints/demo/invocations", body: String(repeating: "x", count: 6 * 1024 * 1024 + 1),
            status: 413, type: "ValidationError", messageContains: "exceeds the limit of 6291456 bytes"),
        ErrorCase(
            name: "instance error", path: "/endpoints/demo/invocations",
            body: #"{"messages":[{"role":"user","content":"Hi"}],"mock":{"status":418}}"#, status: 424, type: "ModelError",
            messageContains: "Received client error (418)"),
        ErrorCase(
            name: "unknown session", path: "/endpoints/demo/invocations", body: chatBody,
            headers: [("X-Amzn-SageMaker-Session-Id", "no-such-session")], status: 400, type: "ValidationError",
            messageContains: "Session no-such-session is not open"),
        ErrorCase(
            name: "new session on a stream", path: "/endpoints/demo/invocations-response-stream", body: chatBody,
            headers: [("X-Amzn-SageMaker-Session-Id", "NEW_SESSION")], status: 400, type: "ValidationError",
            messageContains: "cannot be created with InvokeEndpointWithResponseStream"),
        ErrorCase(
            name: "no credentials", path: "/endpoints/demo/invocations", body: chatBody,
            headers: [("Authorization", "")], status: 401, type: "MissingAuthenticationTokenException", messageContains: "no credentials"),
    ]

    @Test("errors in SageMaker's shapes", arguments: errorCases)
    func errors(_ testCase: ErrorCase) async throws {
        let mock = try await MockInstance.start()
        let gangway = try await Self.start([mock])
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }

        let reply = try await gangway.send(
            .POST, gangway.baseURL + testCase.path, body: Array(testCase.body.utf8), headers: testCase.headers)
        #expect(reply.status == testCase.status)
        #expect(reply.headers.first(name: "x-amzn-errortype") == testCase.type)
        let json = try reply.json()
        #expect(json["ErrorCode"] as? String == testCase.errorCode)
        let message = try #require(json["Message"] as? String)
        #expect(message.contains(testCase.messageContains), "\(message)")
    }

    @Test("a body of exactly 6 MiB is accepted")
    func sixMiB() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await Self.start([mock])
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }

        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 6 * 1024 * 1024)
        let reply = try await gangway.send(
            .POST, gangway.baseURL + "/endpoints/demo/invocations", body: body, headers: [("Content-Type", "text/plain")])
        #expect(reply.status == 200)
        #expect(reply.body.count == body.count)
    }

    @Test("a ModelError carries the instance's status and body")
    func modelError() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await Self.start([mock])
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }

        let body = #"{"messages":[{"role":"user","content":"Hi"}],"mock":{"status":503}}"#
        let through = try await gangway.post(gangway.baseURL + "/endpoints/demo/invocations", json: body)
        let direct = try await HTTPTestClient.post(mock.url + "/invocations", json: body)
        #expect(direct.status == 503)
        #expect(through.status == 424)
        let json = try through.json()
        #expect(json["OriginalStatusCode"] as? Int == 503)
        #expect(json["OriginalMessage"] as? String == direct.text)
        #expect(json["LogStreamArn"] as? String == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/demo")
    }

    @Test("the invocation timeout answers a ModelError")
    func invocationTimeout() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await Self.start([mock], extra: "invocation_timeout: 300ms")
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }

        let body = #"{"messages":[{"role":"user","content":"Hi"}],"mock":{"delay_ms":3000}}"#
        let reply = try await gangway.post(gangway.baseURL + "/endpoints/demo/invocations", json: body)
        #expect(reply.status == 424)
        #expect(reply.headers.first(name: "x-amzn-errortype") == "ModelError")
        #expect(gangway.config.endpoints[0].settings.invocationTimeout == .milliseconds(300))
        #expect(gangway.config.endpoints[1].settings.invocationTimeout == .seconds(60))
    }

    @Test("the response stream carries the instance's bytes as PayloadPart events")
    func stream() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await Self.start([mock])
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }

        let reply = try await gangway.post(
            gangway.baseURL + "/endpoints/shared/invocations-response-stream", json: Self.streamingChat,
            headers: [("X-Amzn-SageMaker-Inference-Component", "general"), ("X-Amzn-SageMaker-Custom-Attributes", "k=v")])
        let direct = try await HTTPTestClient.post(mock.url + "/invocations", json: Self.streamingChat)
        #expect(reply.status == 200)
        #expect(reply.headers.first(name: "content-type") == "application/vnd.amazon.eventstream")
        #expect(reply.headers.first(name: "x-amzn-sagemaker-content-type") == "text/event-stream")
        #expect(reply.headers.first(name: "x-amzn-sagemaker-custom-attributes") == "k=v")
        let events = try decodeEventStream(reply.body)
        #expect(events.count > 1, "one event per instance chunk")
        for event in events {
            #expect(
                event.headers == [
                    ":message-type": "event", ":event-type": "PayloadPart", ":content-type": "application/octet-stream",
                ])
        }
        #expect(events.flatMap(\.payload) == direct.body)
    }

    @Test("an instance that goes quiet mid-stream ends it with ModelStreamError")
    func streamIdleTimeout() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await Self.start([mock], extra: "timeouts: { idle: 300ms }")
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }

        let body = #"{"messages":[{"role":"user","content":"Hi"}],"stream":true,"mock":{"tokens":3,"chunk_delay_ms":2000}}"#
        let reply = try await gangway.post(gangway.baseURL + "/endpoints/demo/invocations-response-stream", json: body)
        #expect(reply.status == 200)
        let events = try decodeEventStream(reply.body)
        let last = try #require(events.last)
        #expect(events.dropLast().allSatisfy { $0.eventType == "PayloadPart" })
        #expect(events.count >= 2, "the role chunk arrives before the pause")
        #expect(last.messageType == "exception")
        #expect(last.eventType == "ModelStreamError")
        let payload = try JSONSerialization.jsonObject(with: Data(last.payload)) as? [String: String]
        #expect(payload?["ErrorCode"] == "ModelInvocationTimeExceeded")
    }

    @Test("a stateful session stays on the instance that opened it until closed")
    func sessions() async throws {
        let first = try await MockInstance.start()
        let second = try await MockInstance.start()
        let gangway = try await Self.start([first, second])
        defer { Task { await gangway.server.stop(); await first.server.stop(); await second.server.stop() } }
        let url = gangway.baseURL + "/endpoints/demo/invocations"

        let opened = try await gangway.post(url, json: chatBody, headers: [("X-Amzn-SageMaker-Session-Id", "NEW_SESSION")])
        #expect(opened.status == 200)
        let header = try #require(opened.headers.first(name: "x-amzn-sagemaker-new-session-id"))
        let id = try #require(header.split(separator: ";").first.map(String.init))
        #expect(header.contains("; Expires="))

        // Each mock knows only its own sessions: any request routed to the other one fails.
        for _ in 0..<12 {
            let reply = try await gangway.post(url, json: chatBody, headers: [("X-Amzn-SageMaker-Session-Id", id)])
            #expect(reply.status == 200, "\(reply.text)")
        }
        // Unpinned requests do reach both instances, so the check above could fail.
        let before = (first.stats.requests, second.stats.requests)
        for _ in 0..<24 { _ = try await gangway.post(url, json: chatBody) }
        #expect(first.stats.requests > before.0 && second.stats.requests > before.1)

        let closed = try await gangway.post(
            url, json: #"{"requestType":"CLOSE"}"#, headers: [("X-Amzn-SageMaker-Session-Id", id)])
        #expect(closed.status == 200)
        #expect(closed.headers.first(name: "x-amzn-sagemaker-closed-session-id") == id)
        let after = try await gangway.post(url, json: chatBody, headers: [("X-Amzn-SageMaker-Session-Id", id)])
        #expect(after.status == 400)
        #expect(after.headers.first(name: "x-amzn-errortype") == "ValidationError")
    }
}
