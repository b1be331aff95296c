@testable import GangwayServer
import GangwayCore
import NIOCore
import NIOPosix
import Testing

@Suite("Instance connections")
struct UpstreamConnectionPoolTests {
    @Test("a spare connection is opened only when the loop holds no idle one, and is handed out next")
    func spareConnection() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let accepted = SharedCount()
        let listener = try await ScriptedServer {
            accepted.add(1)
            return nil
        }
        defer { listener.channel.close(promise: nil) }
        let url = try #require(InstanceURL("http://127.0.0.1:\(listener.port)"))
        let pool = UpstreamConnectionPool()
        defer { pool.closeAll() }
        let loop = group.next()
        func idle() async throws -> Int { try await loop.submit { pool.idleCount(url, on: loop) }.get() }

        try await loop.submit { pool.prepareSpare(url, on: loop, timeout: .seconds(2)) }.get()
        #expect(await eventually { (try? await idle()) == 1 })
        // The client side can see its connection before the listener's loop has run its accept.
        #expect(await eventually { accepted.current == 1 })

        // One is idle already: asking again opens nothing.
        try await loop.submit { pool.prepareSpare(url, on: loop, timeout: .seconds(2)) }.get()
        try await Task.sleep(for: .milliseconds(200))
        #expect(accepted.current == 1)
        #expect(try await idle() == 1)

        let handedOut = try await loop.submit { pool.takeIdle(ModelPool.Instance(index: 0, url: url), on: loop)?.channel?.isActive ?? false }.get()
        #expect(handedOut)
        #expect(try await idle() == 0)
        try await loop.submit { pool.prepareSpare(url, on: loop, timeout: .seconds(2)) }.get()
        #expect(await eventually { (try? await idle()) == 1 })
        #expect(await eventually { accepted.current == 2 })
    }

    @Test("a spare that cannot be opened is dropped quietly")
    func unreachableSpare() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let url = try #require(InstanceURL("http://127.0.0.1:\(try await closedPort(group))"))
        let pool = UpstreamConnectionPool()
        let loop = group.next()
        try await loop.submit { pool.prepareSpare(url, on: loop, timeout: .seconds(1)) }.get()
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await loop.submit { pool.idleCount(url, on: loop) }.get() == 0)
    }

    /// A port that was just free: bound, then closed.
    private func closedPort(_ group: any EventLoopGroup) async throws -> Int {
        let channel = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress!.port!
        try await channel.close()
        return port
    }
}
