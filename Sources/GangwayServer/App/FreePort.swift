import NIOCore
import NIOPosix

/// Finds a TCP port that is free right now, for servers that must know their port before
/// they start (the demo's mock model is configured before it binds).
public enum FreePort {
    public static func pick(host: String) async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}
