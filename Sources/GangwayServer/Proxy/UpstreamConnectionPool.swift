import GangwayCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Keep-alive HTTP/1.1 connections to instances, kept per event loop so a client's connection
/// and the instance connection serving it live on the same thread: a relayed chunk is a
/// function call, not a hop between threads.
final class UpstreamConnectionPool: Sendable {
    private struct Key: Hashable {
        let loop: ObjectIdentifier
        let host: String
        let port: Int
    }

    /// Idle connections beyond this many per instance and loop are closed rather than kept.
    static let idleLimit = 512
    private let idle = Mutex<[Key: [any Channel]]>([:])

    /// An idle connection to the instance on this loop, newest first, if one is still open.
    func takeIdle(_ url: InstanceURL, on loop: any EventLoop) -> (any Channel)? {
        let key = Key(loop: ObjectIdentifier(loop), host: url.host, port: url.port)
        return idle.withLock { idle in
            while let channel = idle[key]?.popLast() {
                if channel.isActive { return channel }
            }
            return nil
        }
    }

    /// Keeps a connection whose last exchange ended cleanly for the next request.
    func putBack(_ channel: any Channel, _ url: InstanceURL) {
        let key = Key(loop: ObjectIdentifier(channel.eventLoop), host: url.host, port: url.port)
        let kept = idle.withLock { idle in
            var list = idle[key, default: []]
            list.removeAll { !$0.isActive }
            guard list.count < Self.idleLimit else { return false }
            list.append(channel)
            idle[key] = list
            return true
        }
        if !kept { channel.close(promise: nil) }
    }

    /// Opens a connection to the instance on the given loop, with its handler in place.
    func connect(_ url: InstanceURL, on loop: any EventLoop, timeout: Duration) -> EventLoopFuture<any Channel> {
        ClientBootstrap(group: loop)
            .connectTimeout(.nanoseconds(max(1, timeout.nanoseconds)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(UpstreamConnectionHandler())
                }
            }
            .connect(host: url.host, port: url.port)
    }

    /// Closes every idle connection (at shutdown).
    func closeAll() {
        let channels = idle.withLock { idle in
            defer { idle.removeAll() }
            return idle.values.flatMap { $0 }
        }
        for channel in channels { channel.close(promise: nil) }
    }
}

/// What an instance connection tells the exchange it currently serves.
protocol UpstreamResponseReceiver: AnyObject {
    func upstreamHead(_ head: HTTPResponseHead)
    func upstreamBody(_ chunk: ByteBuffer)
    func upstreamEnd()
    func upstreamReadComplete()
    /// The connection closed or failed before the response ended.
    func upstreamBroken(_ error: (any Error)?)
}

/// The last handler of an instance connection: writes the request and hands response parts to
/// the exchange it serves. An idle connection that receives anything (it should not) is closed.
final class UpstreamConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    var receiver: (any UpstreamResponseReceiver)?
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// The connection this handler ends; only used on its own event loop.
    var channel: any Channel { context!.channel }

    func send(_ head: HTTPRequestHead, body: ByteBuffer?) {
        guard let context else {
            receiver?.upstreamBroken(ChannelError.ioOnClosedChannel)
            return
        }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func setAutoRead(_ enabled: Bool) {
        try? context?.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: enabled)
    }

    /// Closes the connection without telling the exchange (it is the one asking).
    func close() {
        receiver = nil
        setAutoRead(true)
        context?.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let receiver else {
            context.close(promise: nil)
            return
        }
        switch unwrapInboundIn(data) {
        case .head(let head):
            // 1xx answers are interim; the final head follows.
            if head.status.code >= 200 { receiver.upstreamHead(head) }
        case .body(let chunk): receiver.upstreamBody(chunk)
        case .end:
            self.receiver = nil
            receiver.upstreamEnd()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        receiver?.upstreamReadComplete()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let receiver {
            self.receiver = nil
            receiver.upstreamBroken(nil)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let receiver {
            self.receiver = nil
            receiver.upstreamBroken(error)
        }
        context.close(promise: nil)
    }
}
