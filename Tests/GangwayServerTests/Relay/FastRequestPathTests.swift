@testable import GangwayServer
import GangwayMockModel
import GangwayTesting
import NIOCore
import Testing

/// Requests read straight from the connection's bytes, and the hand-over to NIO's decoder at the
/// first request the fast path does not take, seen on the wire.
@Suite("Fast request path", .serialized)
struct FastRequestPathTests {
    static let path = "/endpoints/demo/openai/v1/chat/completions"
    static let streamBody =
        #"{"model":"","stream":true,"max_tokens":4,"messages":[{"role":"user","content":"hi"}]}"#

    private func withGangway(_ body: (GangwayInstance, MockInstance, String) async throws -> Void) async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(try singleModelConfig(["demo": [mock]]))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        try await body(gangway, mock, "Authorization: Bearer \(gangway.bearerToken())")
    }

    @Test("pipelined OpenAI requests are answered in order, and a later router request on the same connection too")
    func pipelinedThenHandedOver() async throws {
        try await withGangway { gangway, _, auth in
            let stream = RawHTTPConnection.post(Self.path, json: Self.streamBody, headers: [auth, "x-mock-chunk-delay-ms: 20"])
            let chat = RawHTTPConnection.post(Self.path, json: chatBody, headers: [auth])
            let models = "GET /endpoints/demo/openai/v1/models HTTP/1.1\r\nHost: localhost\r\n\(auth)\r\n\r\n"
            let replies = try await RawHTTPConnection.with(port: gangway.server.port) { connection in
                try await connection.send(stream + chat + models)
                var replies: [RawHTTPResponse] = []
                for _ in 0..<3 { replies.append(try await connection.readResponse()) }
                // Then a request only the router serves, then the OpenAI paths again.
                try await connection.send(RawHTTPConnection.get("/ping") + chat)
                for _ in 0..<2 { replies.append(try await connection.readResponse()) }
                #expect(!connection.isClosedByServer)
                return replies
            }
            let bodies = replies.map { String(decoding: $0.body, as: UTF8.self) }
            #expect(replies.map(\.statusLine) == Array(repeating: "HTTP/1.1 200 OK", count: 5))
            #expect(bodies[0].hasSuffix("data: [DONE]\n\n"))
            #expect(bodies[1].contains(#""object":"chat.completion""#))
            #expect(bodies[2].contains(#""object":"list""#))
            #expect(bodies[3].contains("healthy"))
            #expect(bodies[4].contains(#""object":"chat.completion""#))
        }
    }

    @Test("on a busy loop every answer reaches its client whole, those that close the connection too")
    func busyLoopAnswersWhole() async throws {
        try await withGangway { gangway, _, auth in
            // Many clients at once keep the event loop's ticks busy, so flushes are held to the
            // end of each tick; an answer that closes its connection must still go out first.
            let statuses = try await withThrowingTaskGroup(of: [String].self) { group in
                for client in 0..<48 {
                    group.addTask {
                        try await RawHTTPConnection.with(port: gangway.server.port) { connection in
                            var lines: [String] = []
                            for round in 0..<6 {
                                let closing = client % 2 == 0 && round == 5
                                try await connection.send(
                                    RawHTTPConnection.post(
                                        Self.path, json: chatBody, headers: closing ? [auth, "Connection: close"] : [auth]))
                                let reply = try await connection.readResponse()
                                let whole = String(decoding: reply.body, as: UTF8.self).hasSuffix("}")
                                lines.append(whole ? reply.statusLine : "cut short")
                            }
                            return lines
                        }
                    }
                }
                var all: [String] = []
                for try await lines in group { all += lines }
                return all
            }
            #expect(statuses.count == 48 * 6)
            #expect(statuses.allSatisfy { $0 == "HTTP/1.1 200 OK" })
        }
    }

    @Test("a request that arrives a byte at a time is served")
    func byteByByte() async throws {
        try await withGangway { gangway, _, auth in
            let reply = try await RawHTTPConnection.with(port: gangway.server.port) { connection in
                for byte in RawHTTPConnection.post(Self.path, json: chatBody, headers: [auth]).utf8 {
                    try await connection.send(String(decoding: [byte], as: UTF8.self))
                }
                return try await connection.readResponse()
            }
            #expect(reply.statusLine == "HTTP/1.1 200 OK")
            #expect(String(decoding: reply.body, as: UTF8.self).contains(#""object":"chat.completion""#))
        }
    }

    @Test("a chunked request body is left to NIO's decoder and still served")
    func chunkedBody() async throws {
        try await withGangway { gangway, mock, auth in
            let json = chatBody
            let request =
                "POST \(Self.path) HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\(auth)\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + String(json.utf8.count, radix: 16) + "\r\n" + json + "\r\n0\r\n\r\n"
            let replies = try await RawHTTPConnection.with(port: gangway.server.port) { connection in
                try await connection.send(request + RawHTTPConnection.post(Self.path, json: chatBody, headers: [auth]))
                return [try await connection.readResponse(), try await connection.readResponse()]
            }
            #expect(replies.map(\.statusLine) == ["HTTP/1.1 200 OK", "HTTP/1.1 200 OK"])
            #expect(mock.stats.requests == 2)
        }
    }

    @Test(
        "heads the fast path does not take are judged by NIO's decoder: malformed ones never reach the instance",
        arguments: [
            "X-Bad : space before the colon",
            "X-Bad: a\u{1}b",
            " folded",
        ])
    func malformedHeads(line: String) async throws {
        try await withGangway { gangway, mock, auth in
            let request =
                "POST \(Self.path) HTTP/1.1\r\nHost: localhost\r\n\(auth)\r\n\(line)\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(chatBody.utf8.count)\r\n\r\n\(chatBody)"
            let received = try await RawHTTPConnection.with(port: gangway.server.port) { connection in
                try await connection.send(request)
                try await connection.read(until: { RawHTTPResponse(parsing: $0) != nil })
                return String(buffer: connection.received)
            }
            #expect(!received.hasPrefix("HTTP/1.1 200"), "\(received)")
            #expect(mock.stats.requests == 0)
        }
    }
}
