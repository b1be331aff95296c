import GangwayMockModel
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ControlsTests {
    static let statuses: [(Int, String)] = [
        (400, "invalid_request_error"), (401, "authentication_error"), (403, "permission_error"),
        (404, "not_found_error"), (429, "rate_limit_error"), (500, "server_error"), (503, "server_error"),
    ]

    @Test(arguments: statuses)
    func statusHeaderAnswersThatError(status: Int, type: String) async throws {
        try await MockServer.run { client, stats in
            let response = try await client.post(
                "/v1/chat/completions", json: #"{"messages":[],"stream":true}"#, headers: .fields(["x-mock-status": "\(status)"]))
            #expect(response.status.code == status)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.headers[.retryAfter] == nil)
            #expect(
                response.text
                    == #"{"error":{"message":"Mock error: status \#(status) requested by the mock controls","type":"\#(type)","param":null,"code":null}}"#
            )
            #expect(stats.snapshot == MockModelStats.Snapshot(requests: 1))
        }
    }

    @Test(arguments: ["/v1/chat/completions", "/v1/completions", "/v1/embeddings"])
    func statusInBodyComesWithRetryAfter(path: String) async throws {
        try await MockServer.run { client, _ in
            let response = try await client.post(path, json: #"{"mock":{"status":429,"retry_after":3}}"#)
            #expect(response.status == .tooManyRequests)
            #expect(response.headers[.retryAfter] == "3")
        }
    }

    @Test func statusWinsOverAnUnparsableBody() async throws {
        try await MockServer.run { client, _ in
            let response = try await client.post(
                "/v1/chat/completions", json: "not json", headers: .fields(["x-mock-status": "503", "x-mock-retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"]))
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] == "Wed, 21 Oct 2015 07:28:00 GMT")
        }
    }

    @Test func invalidControlHeaderIs400() async throws {
        try await MockServer.run { client, _ in
            let response = try await client.post("/v1/chat/completions", json: #"{"messages":[]}"#, headers: .fields(["x-mock-tokens": "lots"]))
            #expect(response.status == .badRequest)
            #expect(try (response.jsonObject["error"] as? [String: Any])?["message"] as? String == "Invalid mock control x-mock-tokens: expected an integer in 0...1000000")
        }
    }

    @Test func delayedAnswerIsUnchanged() async throws {
        try await MockServer.run(.init(firstTokenDelay: .milliseconds(20))) { client, _ in
            let plain = try await client.post("/v1/chat/completions", json: #"{"messages":[],"max_tokens":2}"#)
            let delayed = try await client.post(
                "/v1/chat/completions", json: #"{"messages":[],"max_tokens":2}"#, headers: .fields(["x-mock-delay-ms": "30", "x-mock-chunk-delay-ms": "5"]))
            #expect(plain.status == .ok)
            #expect(delayed.body == plain.body)
        }
    }

    @Test func echoesRequestHeadersInTheAnswer() async throws {
        try await MockServer.run { client, _ in
            let response = try await client.post(
                "/v1/chat/completions", json: #"{"messages":[],"max_tokens":1}"#,
                headers: .fields(["X-Mock-Echo-Headers": "1", "Authorization": "Bearer abc", "X-Request-Id": "r-1"]))
            let echoed = try #require(try response.jsonObject["mock_headers"] as? [String: String])
            #expect(echoed["authorization"] == "Bearer abc")
            #expect(echoed["x-request-id"] == "r-1")
            #expect(echoed["content-type"] == "application/json")
            #expect(echoed["x-mock-echo-headers"] == "1")
            let plain = try await client.post("/v1/chat/completions", json: #"{"messages":[],"max_tokens":1}"#)
            #expect(try plain.jsonObject["mock_headers"] == nil)
        }
    }
}
