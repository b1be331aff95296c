import NIOCore
import NIOPosix
import Synchronization

/// A loopback TCP server standing in for a model server whose bytes a test writes by hand:
/// each accepted connection gets the handler `makeHandler` returns (none: it is only accepted).
final class ScriptedServer: Sendable {
    let channel: any Channel

    var port: Int { channel.localAddress!.port! }

    init(_ makeHandler: @escaping @Sendable () -> (any ChannelHandler)?) async throws {
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    if let handler = makeHandler() { try child.pipeline.syncOperations.addHandler(handler) }
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async { try? await channel.close() }
}

/// A count kept by a scripted server's connections and read by the test.
final class SharedCount: Sendable {
    private let value = Atomic<Int>(0)

    func add(_ amount: Int) { value.add(amount, ordering: .relaxed) }
    var current: Int { value.load(ordering: .relaxed) }
}
