import Foundation
import GangwayTesting
import NIOCore
import NIOPosix
import Testing

/// An instance that sends a response head and one chunk, then drops the connection.
private final class DroppingInstance: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        answered = true
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
        let chunk = "data: {\"partial\":true}\n\n"
        let text = head + String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n"
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text))).whenComplete { _ in
            // Leave the chunk time to be relayed before the connection goes.
            channel.eventLoop.scheduleTask(in: .milliseconds(100)) { channel.close(promise: nil) }
        }
    }
}

@Suite("SageMaker response stream failures", .serialized)
struct StreamBrokenTests {
    @Test("an instance that drops the connection mid-stream ends it with ModelStreamError StreamBroken")
    func streamBroken() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(DroppingInstance()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let gangway = try await GangwayInstance.start(
            try GangwayInstance.config(
                yaml: "health_check: { interval: 1h }\nendpoints: [{ name: demo, instances: [\"http://127.0.0.1:\(port)\"] }]"))
        defer { Task { await gangway.server.stop(); try? await server.close() } }

        let reply = try await gangway.post(gangway.baseURL + "/endpoints/demo/invocations-response-stream", json: chatBody)
        #expect(reply.status == 200)
        let events = try decodeEventStream(reply.body)
        #expect(events.map(\.eventType) == ["PayloadPart", "ModelStreamError"])
        #expect(events.first?.text == "data: {\"partial\":true}\n\n")
        let error = try JSONSerialization.jsonObject(with: Data(try #require(events.last).payload)) as? [String: String]
        #expect(error?["ErrorCode"] == "StreamBroken")
    }
}
