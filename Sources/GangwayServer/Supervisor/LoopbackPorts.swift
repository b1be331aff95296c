import Foundation
import GangwayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Picks TCP ports on 127.0.0.1 that are free right now, for managed copies: their instance
/// URLs are fixed when the registry is built, before any process starts.
///
/// Ports come from outside the kernel's ephemeral range (`CopyPortRange`), so neither an
/// outgoing connection nor another program's `bind` to port 0 can take one while its copy
/// starts or restarts. All sockets stay bound until every port is read, so one call never
/// returns a port twice. A program that asks for a copy's port by number may still take it
/// first; the copy then fails to start and is restarted with backoff on the same port.
enum LoopbackPorts {
    /// Ports tried at random outside the ephemeral range before falling back to port 0.
    private static let attemptsPerPort = 64

    static func reserve(count: Int) -> [Int] {
        guard count > 0 else { return [] }
        let candidates = CopyPortRange(avoiding: ephemeralRange())
        var random = SystemRandomNumberGenerator()
        var sockets: [Int32] = []
        defer { sockets.forEach { _ = close($0) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let outside = (0..<attemptsPerPort).lazy.compactMap { _ -> (Int32, Int)? in
                guard let port = candidates.port(at: Int.random(in: 0..<max(candidates.count, 1), using: &random)) else {
                    return nil
                }
                return bindLoopback(port: port)
            }.first
            // Port 0 only when the system's ephemeral range covers nearly every port, or every
            // draw outside it was taken.
            guard let (socket, port) = outside ?? bindLoopback(port: 0) else {
                // Only descriptor exhaustion gets here, and no copy can run then either.
                fatalError("cannot reserve a loopback port for a managed model copy: \(String(cString: strerror(errno)))")
            }
            sockets.append(socket)
            ports.append(port)
        }
        return ports
    }

    /// The system's ephemeral range, or Linux's default where it cannot be read.
    private static func ephemeralRange() -> ClosedRange<Int> {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
            let range = CopyPortRange.parseEphemeralRange(text)
        else { return CopyPortRange.linuxDefaultEphemeral }
        return range
    }

    /// A socket bound to 127.0.0.1 on `port` (0: any) and the port it got; nil if taken.
    /// No `SO_REUSEADDR`: a port with a connection still in TIME_WAIT counts as taken.
    private static func bindLoopback(port: Int) -> (Int32, Int)? {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            return nil
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}
