@testable import GangwayServer
import GangwayTesting
import NIOCore
import NIOPosix
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// An instance that answers a chat request with an event stream as fast as its connection
/// takes it: chunks of a byte pattern (`offset % 251`), written while the connection is
/// writable. It counts the bytes the kernel has accepted, so a test can see whether the
/// gateway is still reading.
private final class FloodingInstance: Sendable {
    private let server: ScriptedServer
    private let sent = SharedCount()

    var port: Int { server.port }
    var bodyBytesSent: Int { sent.current }

    init(bodyBytes: Int) async throws {
        let sent = self.sent
        server = try await ScriptedServer { FloodHandler(total: bodyBytes, sent: sent) }
    }

    func stop() async { await server.stop() }
}

private final class FloodHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let chunkSize = 64 * 1024
    /// The pattern from any phase: `pattern[offset % 251...]` continues the body at `offset`.
    static let pattern: [UInt8] = (0..<(chunkSize + 251)).map { UInt8($0 % 251) }
    let total: Int
    let sent: SharedCount
    private var received = ""
    private var offset = 0
    private var streaming = false

    init(total: Int, sent: SharedCount) {
        self.total = total
        self.sent = sent
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += String(buffer: unwrapInboundIn(data))
        guard !streaming, let headEnd = received.range(of: "\r\n\r\n") else { return }
        if received[..<headEnd.lowerBound].hasPrefix("GET /ping") {
            received = ""
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")), promise: nil)
            return
        }
        streaming = true
        context.write(
            wrapOutboundOut(
                ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")),
            promise: nil)
        writeWhileWritable(context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if streaming { writeWhileWritable(context) }
        context.fireChannelWritabilityChanged()
    }

    private func writeWhileWritable(_ context: ChannelHandlerContext) {
        while context.channel.isWritable, offset < total {
            let size = min(Self.chunkSize, total - offset)
            var chunk = context.channel.allocator.buffer(capacity: size + 16)
            chunk.writeString(String(size, radix: 16) + "\r\n")
            chunk.writeBytes(Self.pattern[offset % 251..<offset % 251 + size])
            chunk.writeString("\r\n")
            offset += size
            let sent = self.sent
            let promise = context.eventLoop.makePromise(of: Void.self)
            promise.futureResult.whenSuccess { sent.add(size) }
            context.writeAndFlush(wrapOutboundOut(chunk), promise: promise)
        }
        if offset >= total {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "0\r\n\r\n")), promise: nil)
            offset += 1  // written once
        }
    }
}

@Suite("Backpressure", .serialized)
struct BackpressureTests {
    @Test("a client that stops reading stops Gangway reading from the instance; then it gets every byte, in order")
    func slowReaderHoldsTheInstanceBack() async throws {
        let total = 64 * 1024 * 1024
        let instance = try await FloodingInstance(bodyBytes: total)
        let gangway = try await GangwayInstance.start(
            try GangwayInstance.config(
                yaml: "endpoints:\n  - name: demo\n    instances: [\"http://127.0.0.1:\(instance.port)\"]"))
        defer { Task { await gangway.server.stop(); await instance.stop() } }
        let auth = ["Authorization: Bearer \(try await gangway.bearerToken())"]

        let received = try await RawHTTPConnection.with(port: gangway.server.port) { connection in
            try await connection.send(
                RawHTTPConnection.post("/endpoints/demo/openai/v1/chat/completions", json: chatBody, headers: auth))
            // Not reading: what the instance manages to send is bounded by the socket buffers on
            // the way and what Gangway holds, a few megabytes; without backpressure Gangway
            // would read the whole body into memory meanwhile.
            try await Task.sleep(for: .milliseconds(1500))
            let sentWhileStalled = instance.bodyBytesSent
            #expect(sentWhileStalled < 24 * 1024 * 1024, "the instance sent \(sentWhileStalled) bytes to a stalled client")
            try await connection.read(until: { $0.readableBytesView.suffix(5).elementsEqual("0\r\n\r\n".utf8) })
            return connection.received
        }
        #expect(instance.bodyBytesSent == total)
        #expect(Self.patternBodyLength(received) == total)
    }

    /// The length of a chunked response's body if every byte follows the instance's pattern
    /// (nothing lost, repeated or out of order); nil otherwise.
    private static func patternBodyLength(_ response: ByteBuffer) -> Int? {
        response.withUnsafeReadableBytes { raw -> Int? in
            func lineEnd(from start: Int) -> Int? {
                var index = start
                while index + 1 < raw.count {
                    if raw[index] == UInt8(ascii: "\r"), raw[index + 1] == UInt8(ascii: "\n") { return index }
                    index += 1
                }
                return nil
            }
            // The body starts after the head's blank line.
            var position = 0
            while let end = lineEnd(from: position), end != position { position = end + 2 }
            guard lineEnd(from: position) == position else { return nil }
            position += 2
            var length = 0
            while let end = lineEnd(from: position) {
                let sizeText = String(decoding: UnsafeRawBufferPointer(rebasing: raw[position..<end]), as: UTF8.self)
                guard let size = Int(sizeText, radix: 16), end + 2 + size + 2 <= raw.count else { return nil }
                if size == 0 { return length }
                var checked = 0
                while checked < size {
                    let piece = min(FloodHandler.chunkSize, size - checked)
                    let phase = (length + checked) % 251
                    let same = FloodHandler.pattern.withUnsafeBytes { pattern in
                        memcmp(raw.baseAddress! + end + 2 + checked, pattern.baseAddress! + phase, piece) == 0
                    }
                    guard same else { return nil }
                    checked += piece
                }
                length += size
                position = end + 2 + size + 2
            }
            return nil
        }
    }
}
