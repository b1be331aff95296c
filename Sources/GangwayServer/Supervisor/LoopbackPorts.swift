#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Picks TCP ports on 127.0.0.1 that are free right now, for managed copies: their instance
/// URLs are fixed when the registry is built, before any process starts.
///
/// All sockets stay bound until every port is read, so one call never returns a port twice.
/// Another program may still take a port before the copy binds it; the copy then fails to
/// start and is restarted with backoff on the same port.
enum LoopbackPorts {
    static func reserve(count: Int) -> [Int] {
        guard count > 0 else { return [] }
        var sockets: [Int32] = []
        defer { sockets.forEach { _ = close($0) } }
        var ports: [Int] = []
        for _ in 0..<count {
            guard let (socket, port) = bindAnyPort() else {
                // Only descriptor exhaustion gets here, and no copy can run then either.
                fatalError("cannot reserve a loopback port for a managed model copy: \(String(cString: strerror(errno)))")
            }
            sockets.append(socket)
            ports.append(port)
        }
        return ports
    }

    private static func bindAnyPort() -> (Int32, Int)? {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
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
