@testable import GangwayServer
import GangwayTesting
import NIOCore
import NIOPosix
import Testing

/// A model server that answers every chat request with the same bytes, written by the test,
/// and `/ping` with 200; it counts the connections that carried chat requests.
private final class ScriptedInstance: Sendable {
    private let server: ScriptedServer
    private let chatConnectionCount = SharedCount()

    var port: Int { server.port }
    var chatConnections: Int { chatConnectionCount.current }

    init(answer: String, closeAfterAnswer: Bool = false) async throws {
        let count = chatConnectionCount
        server = try await ScriptedServer {
            ScriptedAnswerHandler(answer: answer, closeAfterAnswer: closeAfterAnswer, chatConnections: count)
        }
    }

    func stop() async { await server.stop() }
}

/// Reads whole requests (head and `Content-Length` body) and answers each.
private final class ScriptedAnswerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let answer: String
    let closeAfterAnswer: Bool
    let chatConnections: SharedCount
    private var received = ""
    private var answeredChat = false

    init(answer: String, closeAfterAnswer: Bool, chatConnections: SharedCount) {
        self.answer = answer
        self.closeAfterAnswer = closeAfterAnswer
        self.chatConnections = chatConnections
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += String(buffer: unwrapInboundIn(data))
        while let headEnd = received.range(of: "\r\n\r\n") {
            let head = received[..<headEnd.lowerBound]
            let length = head.split(separator: "\r\n")
                .first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
            let requestEnd = received.utf8.index(headEnd.upperBound, offsetBy: length, limitedBy: received.utf8.endIndex)
            guard let requestEnd, requestEnd <= received.endIndex else { return }
            let isPing = head.hasPrefix("GET /ping")
            received = String(received[requestEnd...])
            let reply = isPing ? "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n" : answer
            if !isPing, !answeredChat {
                answeredChat = true
                chatConnections.add(1)
            }
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: reply)), promise: nil)
            if !isPing, closeAfterAnswer { context.close(promise: nil) }
        }
    }
}

/// How instance responses framed in each way HTTP/1.1 allows (and some it does not) reach the
/// client, and when an instance connection is reused.
@Suite("Instance response framing", .serialized)
struct InstanceResponseFramingTests {
    private func withGangway(
        _ instance: ScriptedInstance, _ body: (GangwayInstance, [String]) async throws -> Void
    ) async throws {
        let gangway = try await GangwayInstance.start(
            try GangwayInstance.config(
                yaml: "endpoints:\n  - name: demo\n    instances: [\"http://127.0.0.1:\(instance.port)\"]"))
        defer { Task { await gangway.server.stop(); await instance.stop() } }
        try await body(gangway, ["Authorization: Bearer \(gangway.bearerToken())"])
    }

    private static let path = "/endpoints/demo/openai/v1/chat/completions"

    @Test("a body that runs until the instance closes reaches the client whole, chunked, and the next request gets a new connection")
    func untilCloseBody() async throws {
        let instance = try await ScriptedInstance(
            answer: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"until\":\"close\"}", closeAfterAnswer: true)
        try await withGangway(instance) { gangway, auth in
            let replies = try await RawHTTPConnection.with(port: gangway.server.port) { connection in
                var replies: [RawHTTPResponse] = []
                for _ in 0..<2 {
                    try await connection.send(RawHTTPConnection.post(Self.path, json: chatBody, headers: auth))
                    replies.append(try await connection.readResponse())
                }
                return replies
            }
            for reply in replies {
                #expect(reply.statusLine == "HTTP/1.1 200 OK")
                #expect(reply.header("transfer-encoding") == "chunked")
                #expect(String(decoding: reply.body, as: UTF8.self) == #"{"until":"close"}"#)
            }
            #expect(instance.chatConnections == 2)
        }
    }

    @Test("an instance that sends bytes after its response does not get that connection back")
    func extraBytesRetireTheConnection() async throws {
        let instance = try await ScriptedInstance(
            answer: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale")
        try await withGangway(instance) { gangway, auth in
            for _ in 0..<3 {
                let reply = try await gangway.post(gangway.openAIBase(endpoint: "demo") + "/chat/completions", json: chatBody)
                #expect(reply.status == 200)
                #expect(reply.text == "ok")
            }
            #expect(instance.chatConnections == 3)
        }
    }

    @Test("a response that breaks HTTP/1.1 is a 502 before its head, and a cut-off body after it")
    func brokenResponses() async throws {
        let badHead = try await ScriptedInstance(answer: "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nok")
        try await withGangway(badHead) { gangway, _ in
            let reply = try await gangway.post(gangway.openAIBase(endpoint: "demo") + "/chat/completions", json: chatBody)
            #expect(reply.status == 502)
            #expect(reply.text.contains(#""code":"instance_unreachable""#))
        }
        let badChunk = try await ScriptedInstance(
            answer: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\nzz\r\n")
        try await withGangway(badChunk) { gangway, auth in
            let received = try await RawHTTPConnection.with(port: gangway.server.port) { connection in
                try await connection.send(RawHTTPConnection.post(Self.path, json: chatBody, headers: auth))
                try await connection.read(until: { _ in false })
                return String(buffer: connection.received)
            }
            // The head and the good chunk went out; then the connection closed without a last chunk.
            #expect(received.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(received.hasSuffix("2\r\nok\r\n"))
        }
    }

    @Test("an HTTP/1.0 client gets a stream without chunks, ended by closing the connection")
    func http10ClientStream() async throws {
        let events = "data: {\"a\":1}\n\ndata: [DONE]\n\n"
        let instance = try await ScriptedInstance(
            answer: "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + String(events.utf8.count, radix: 16) + "\r\n" + events + "\r\n0\r\n\r\n")
        try await withGangway(instance) { gangway, auth in
            let received = try await RawHTTPConnection.with(port: gangway.server.port) { connection in
                let request = RawHTTPConnection.post(Self.path, json: chatBody, headers: auth)
                    .replacingOccurrences(of: " HTTP/1.1\r\n", with: " HTTP/1.0\r\n")
                try await connection.send(request)
                try await connection.read(until: { _ in false })
                #expect(connection.isClosedByServer)
                return String(buffer: connection.received)
            }
            let parts = received.components(separatedBy: "\r\n\r\n")
            #expect(parts.first?.hasPrefix("HTTP/1.1 200 OK\r\n") == true)
            #expect(parts.first?.contains("\r\nconnection: close") == true)
            #expect(parts.first?.lowercased().contains("transfer-encoding") == false)
            #expect(parts.dropFirst().joined(separator: "\r\n\r\n") == events)
        }
    }
}
