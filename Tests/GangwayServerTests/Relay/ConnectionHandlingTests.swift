@testable import GangwayServer
import Foundation
import GangwayCore
import GangwayMockModel
import GangwayTesting
import NIOCore
import Testing

/// How the OpenAI paths use the client's connection, seen on the wire with a raw client:
/// keep-alive after streams, pipelined requests answered in order, hang-ups that stop the
/// instance's work.
@Suite("Connection handling", .serialized)
struct ConnectionHandlingTests {
    static let streamBody =
        #"{"model":"","stream":true,"max_tokens":4,"messages":[{"role":"user","content":"hi"}]}"#

    @Test("a stream, a completion and another stream share one keep-alive connection")
    func streamsKeepTheConnection() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(try singleModelConfig(["demo": [mock]]))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let path = "/endpoints/demo/openai/v1/chat/completions"
        let auth = "Authorization: Bearer \(gangway.bearerToken())"

        let replies = try await RawHTTPConnection.with(port: gangway.server.port) { connection in
            var replies: [RawHTTPResponse] = []
            for body in [Self.streamBody, chatBody, Self.streamBody] {
                try await connection.send(RawHTTPConnection.post(path, json: body, headers: [auth]))
                replies.append(try await connection.readResponse())
            }
            #expect(!connection.isClosedByServer)
            return replies
        }
        #expect(replies.map(\.statusLine) == Array(repeating: "HTTP/1.1 200 OK", count: 3))
        #expect(replies.allSatisfy { $0.header("connection") != "close" })
        #expect(replies[0].header("content-type")?.hasPrefix("text/event-stream") == true)
        #expect(String(decoding: replies[0].body, as: UTF8.self).hasSuffix("data: [DONE]\n\n"))
        #expect(String(decoding: replies[1].body, as: UTF8.self).contains(#""object":"chat.completion""#))
        #expect(replies.allSatisfy { $0.header("x-amzn-requestid")?.count == 36 })
        #expect(mock.stats.snapshot.completedStreams == 2)
    }

    @Test("timeouts hold for every request on a keep-alive connection, not just the first")
    func timeoutsOnALaterRequest() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(
            try singleModelConfig(["demo": [mock]], extra: "timeouts: { first_byte: 300ms, idle: 300ms }"))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let path = "/endpoints/demo/openai/v1/chat/completions"
        let auth = "Authorization: Bearer \(gangway.bearerToken())"

        let (replies, elapsed) = try await RawHTTPConnection.with(port: gangway.server.port) { connection in
            var replies: [RawHTTPResponse] = []
            // Quick answers first, so the connection's timer was set for earlier requests.
            for _ in 0..<3 {
                try await connection.send(RawHTTPConnection.post(path, json: chatBody, headers: [auth]))
                replies.append(try await connection.readResponse())
            }
            let started = ContinuousClock.now
            try await connection.send(RawHTTPConnection.post(path, json: chatBody, headers: [auth, "x-mock-delay-ms: 3000"]))
            replies.append(try await connection.readResponse())
            try await connection.send(
                RawHTTPConnection.post(path, json: Self.streamBody, headers: [auth, "x-mock-chunk-delay-ms: 2000"]))
            replies.append(try await connection.readResponse())
            return (replies, ContinuousClock.now - started)
        }
        #expect(replies.prefix(3).allSatisfy { $0.statusLine == "HTTP/1.1 200 OK" })
        #expect(replies[3].statusLine.hasPrefix("HTTP/1.1 504"))
        #expect(String(decoding: replies[3].body, as: UTF8.self).contains("time to first byte"))
        #expect(replies[4].statusLine == "HTTP/1.1 200 OK")
        #expect(String(decoding: replies[4].body, as: UTF8.self).contains(#""code":"instance_timeout""#))
        // Both limits were 300 ms; the instance would have taken 3 s and then 2 s a chunk.
        #expect(elapsed < .seconds(2), "\(elapsed)")
    }

    @Test("an instance named by host name is reached as well as one named by IP address")
    func instanceByName() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(
            try GangwayInstance.config(
                yaml: """
                    endpoints:
                      - name: by-name
                        instances: ["http://localhost:\(mock.port)"]
                      - name: by-address
                        instances: ["http://127.0.0.1:\(mock.port)"]
                    """))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        for endpoint in ["by-name", "by-address"] {
            let reply = try await gangway.post(gangway.openAIBase(endpoint: endpoint) + "/chat/completions", json: chatBody)
            #expect(reply.status == 200, "\(endpoint): \(reply.text)")
        }
        #expect(mock.stats.requests == 2)
    }

    @Test("pipelined requests, proxied and not, are answered in the order sent")
    func pipelinedRequestsKeepTheirOrder() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(try singleModelConfig(["demo": [mock]]))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let auth = "Authorization: Bearer \(gangway.bearerToken())"
        let slowStream = RawHTTPConnection.post(
            "/endpoints/demo/openai/v1/chat/completions", json: Self.streamBody,
            headers: [auth, "x-mock-chunk-delay-ms: 40"])
        let models = "GET /endpoints/demo/openai/v1/models HTTP/1.1\r\nHost: localhost\r\n\(auth)\r\n\r\n"
        let unknown = RawHTTPConnection.post("/endpoints/nope/openai/v1/chat/completions", json: chatBody, headers: [auth])

        let replies = try await RawHTTPConnection.with(port: gangway.server.port) { connection in
            // All at once: the later requests arrive while the stream is still running.
            try await connection.send(slowStream + RawHTTPConnection.get("/ping") + models + unknown)
            var replies: [RawHTTPResponse] = []
            for _ in 0..<4 { replies.append(try await connection.readResponse()) }
            return replies
        }
        let bodies = replies.map { String(decoding: $0.body, as: UTF8.self) }
        #expect(replies[0].header("content-type")?.hasPrefix("text/event-stream") == true)
        #expect(bodies[0].hasSuffix("data: [DONE]\n\n"))
        #expect(bodies[1].contains("healthy"))
        #expect(bodies[2].contains(#""object":"list""#))
        #expect(replies[3].statusLine.hasPrefix("HTTP/1.1 400"))
        #expect(bodies[3].contains("Endpoint nope"))
    }

    @Test("a client that hangs up mid-stream stops the instance's work at once")
    func hangUpStopsTheInstance() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(try singleModelConfig(["demo": [mock]]))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let long = #"{"model":"","stream":true,"max_tokens":400,"messages":[{"role":"user","content":"hi"}]}"#

        try await RawHTTPConnection.with(port: gangway.server.port) { connection in
            try await connection.send(
                RawHTTPConnection.post(
                    "/endpoints/demo/openai/v1/chat/completions", json: long,
                    headers: ["Authorization: Bearer \(gangway.bearerToken())", "x-mock-chunk-delay-ms: 50"]))
            try await connection.read { String(buffer: $0).contains("data: ") }
        }
        #expect(await eventually { mock.stats.snapshot.abortedStreams == 1 })
        #expect(mock.stats.snapshot.completedStreams == 0)
        // The gateway is still fine for the next caller.
        let next = try await gangway.post(gangway.openAIBase(endpoint: "demo") + "/chat/completions", json: chatBody)
        #expect(next.status == 200)
    }

    @Test("a body over the model's limit is refused with 413 before it is read whole, and the connection closes")
    func oversizedBodyClosesTheConnection() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(
            try singleModelConfig(["demo": [mock]], extra: "max_body_bytes: 1000"))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let head = [
            "POST /endpoints/demo/openai/v1/chat/completions HTTP/1.1", "Host: localhost",
            "Authorization: Bearer \(gangway.bearerToken())", "Content-Length: 5000", "", "",
        ].joined(separator: "\r\n")

        let (reply, closed) = try await RawHTTPConnection.with(port: gangway.server.port) { connection in
            try await connection.send(head + String(repeating: "x", count: 100))
            let reply = try await connection.readResponse()
            try await connection.read { _ in false }
            return (reply, connection.isClosedByServer)
        }
        #expect(reply.statusLine.hasPrefix("HTTP/1.1 413"))
        #expect(String(decoding: reply.body, as: UTF8.self).contains("request_too_large"))
        #expect(closed)
        #expect(mock.stats.snapshot.requests == 0)
    }

    @Test("a client that asks `Expect: 100-continue` is told to go on before it sends the body", .timeLimit(.minutes(1)))
    func expectContinue() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(try singleModelConfig(["demo": [mock]]))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let head = [
            "POST /endpoints/demo/openai/v1/chat/completions HTTP/1.1", "Host: localhost",
            "Authorization: Bearer \(gangway.bearerToken())", "Content-Type: application/json",
            "Content-Length: \(chatBody.utf8.count)", "Expect: 100-continue", "", "",
        ].joined(separator: "\r\n")

        let (interim, reply) = try await RawHTTPConnection.with(port: gangway.server.port) { connection in
            try await connection.send(head)
            try await connection.read { String(buffer: $0).contains("\r\n\r\n") }
            let interim = String(buffer: connection.received)
            try await connection.send(chatBody)
            try await connection.read { String(buffer: $0).contains("chat.completion") }
            return (interim, String(buffer: connection.received))
        }
        #expect(interim.hasPrefix("HTTP/1.1 100 Continue\r\n"))
        #expect(reply.contains("HTTP/1.1 200 OK"))
    }

    @Test("an https instance is spoken to over TLS: a plain-HTTP server behind an https URL never sees the request")
    func httpsInstanceUsesTLS() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(
            try GangwayInstance.config(
                yaml: "endpoints:\n  - name: secure\n    instances:\n      - url: https://127.0.0.1:\(mock.port)\n"))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }

        let reply = try await gangway.post(gangway.openAIBase(endpoint: "secure") + "/chat/completions", json: chatBody)
        // 502 when the handshake fails, 503 once health probes have also taken it out of rotation.
        #expect([502, 503].contains(reply.status))
        #expect(String(decoding: reply.body, as: UTF8.self).contains(#""error":{"#))
        #expect(mock.stats.snapshot.requests == 0)
    }
}

@Suite("Event-stream detection")
struct EventStreamDetectionTests {
    @Test("content types", arguments: [
        ("text/event-stream", true), ("Text/Event-Stream; charset=utf-8", true), ("text/event-stream;", true),
        ("application/json", false), ("text/event", false), ("text/event\r-stream", false), ("", false),
    ])
    func detection(contentType: String, expected: Bool) throws {
        // A CR inside a value is refused by the parser, which is also "not a stream".
        let head = try? UpstreamResponseHead(
            parsing: ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Type: \(contentType)\r\n\r\n"))
        #expect((head?.isEventStream ?? false) == expected)
    }
}
