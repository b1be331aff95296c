import GangwayTesting
import GangwayMockModel
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct RouteTests {
    @Test(arguments: ["/ping", "/health"])
    func healthRoutesAnswerOK(path: String) async throws {
        try await MockServer.run { client, stats in
            let response = try await client.execute(uri: path, method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.text == #"{"status":"ok"}"#)
            #expect(stats.requests == 0)
        }
    }

    @Test(arguments: ["mock-model", "Qwen/Qwen3-8B \"q4\""])
    func listsTheConfiguredModel(name: String) async throws {
        try await MockServer.run(.init(modelName: name)) { client, _ in
            let response = try await client.execute(uri: "/v1/models", method: .get)
            #expect(response.status == .ok)
            let escaped = name.replacing("\"", with: "\\\"")
            #expect(
                response.text
                    == #"{"object":"list","data":[{"id":"\#(escaped)","object":"model","created":1700000000,"owned_by":"gangway"}]}"#)
            let data = try #require(try response.jsonObject["data"] as? [[String: Any]])
            #expect(data.first?["id"] as? String == name)
        }
    }

    static let unknownPaths: [(HTTPRequest.Method, String)] = [
        (.post, "/v1/responses"),
        (.get, "/nothing/here"),
        (.post, "/v2/chat/completions"),
    ]

    @Test(arguments: unknownPaths)
    func unknownPathIsOpenAI404(method: HTTPRequest.Method, path: String) async throws {
        try await MockServer.run { client, _ in
            let response = try await client.execute(uri: path, method: method, body: ByteBuffer(string: "{}"))
            #expect(response.status == .notFound)
            #expect(
                response.text
                    == #"{"error":{"message":"Unknown path: \#(method) \#(path)","type":"not_found_error","param":null,"code":null}}"#
            )
        }
    }

    static let badBodies: [(path: String, body: String, message: String, param: String?)] = [
        ("/v1/chat/completions", "{not json", "We could not parse the JSON body of your request: invalid JSON at byte 1: expected a string key", nil),
        ("/v1/chat/completions", "", "We could not parse the JSON body of your request: invalid JSON at byte 0: unexpected end of input", nil),
        ("/v1/chat/completions", #"{"model":"m"}"#, "'messages' is a required property", "messages"),
        ("/v1/chat/completions", "[1]", "The request body must be a JSON object", nil),
        ("/v1/completions", #"{"model":"m"}"#, "'prompt' is a required property", "prompt"),
        ("/v1/embeddings", #"{"model":"m"}"#, "'input' is a required property", "input"),
        ("/v1/embeddings", #"{"input":[]}"#, "'input' must be a non-empty string, array of strings, or token ids", "input"),
        ("/v1/chat/completions", #"{"messages":[],"mock":{"tokens":"many"}}"#, "Invalid mock control mock.tokens: expected an integer in 0...1000000", nil),
    ]

    @Test(arguments: badBodies)
    func badRequestIsOpenAI400(path: String, body: String, message: String, param: String?) async throws {
        try await MockServer.run { client, stats in
            let response = try await client.post(path, json: body)
            #expect(response.status == .badRequest)
            let paramJSON = param.map { "\"\($0)\"" } ?? "null"
            let escaped = message.replacing("\"", with: "\\\"")
            #expect(
                response.text
                    == #"{"error":{"message":"\#(escaped)","type":"invalid_request_error","param":\#(paramJSON),"code":null}}"#)
            #expect(stats.requests == 1)
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await MockServer.run(.init(maxRequestBodySize: 64)) { client, _ in
            let body = #"{"messages":[{"role":"user","content":""# + String(repeating: "x", count: 100) + #""}]}"#
            let response = try await client.post("/v1/chat/completions", json: body)
            #expect(response.status == .contentTooLarge)
            #expect(try (response.jsonObject["error"] as? [String: Any])?["type"] as? String == "invalid_request_error")
        }
    }

    @Test func statsRouteReportsCountersAndLastBody() async throws {
        try await MockServer.run { client, stats in
            let body = #"{"messages":[{"role":"user","content":"héllo"}],"max_tokens":1}"#
            _ = try await client.post("/v1/chat/completions", json: body)
            _ = try await client.execute(uri: "/ping", method: .get)
            #expect(stats.lastRequestBody == Array(body.utf8))
            // Last on this connection: the server closes it after a stream.
            _ = try await client.post("/v1/chat/completions", json: #"{"messages":[],"stream":true,"max_tokens":1}"#)
            try await eventually { stats.completedStreams == 1 }
            let response = try await RawHTTPConnection.with(port: try #require(client.port)) { connection in
                try await connection.send(RawHTTPConnection.get("/mock/stats"))
                return try await connection.readResponse()
            }
            #expect(String(decoding: response.body, as: UTF8.self) == #"{"requests":2,"active_streams":0,"completed_streams":1,"aborted_streams":0}"#)
            #expect(stats.snapshot == MockModelStats.Snapshot(requests: 2, completedStreams: 1))
            #expect(stats.lastRequestBody == Array(#"{"messages":[],"stream":true,"max_tokens":1}"#.utf8))
            stats.reset()
            #expect(stats.snapshot == MockModelStats.Snapshot())
            #expect(stats.lastRequestBody == nil)
        }
    }
}
