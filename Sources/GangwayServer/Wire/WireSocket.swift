import CGangwayWire
import Glibc
import NIOCore

/// The socket calls of the wire transport, with their errors made into values.
enum WireSocket {
    /// Reads into the buffer's free space: the byte count, 0 at the end of input, -1 when
    /// nothing is there yet, or -2 - errno when the socket failed.
    static func read(_ descriptor: CInt, into buffer: inout ByteBuffer) -> Int {
        var result = 0
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { space in
            repeat {
                result = Glibc.read(descriptor, space.baseAddress, space.count)
            } while result < 0 && errno == EINTR
            return max(0, result)
        }
        guard result < 0 else { return result }
        let code = errno
        return code == EAGAIN || code == EWOULDBLOCK ? -1 : -2 - Int(code)
    }

    /// The peer's address as text (`127.0.0.1`, `::1`), as NIO's `ipAddress` gives it.
    static func text(of storage: sockaddr_storage) -> String? {
        var storage = storage
        let family = CInt(storage.ss_family)
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let written: UnsafePointer<CChar>? = withUnsafePointer(to: &storage) { pointer in
            switch family {
            case AF_INET:
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var raw = address.pointee.sin_addr
                    return inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
                }
            case AF_INET6:
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var raw = address.pointee.sin6_addr
                    return inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
                }
            default:
                return nil
            }
        }
        guard written != nil else { return nil }
        return String(cString: text)
    }

    /// Starts connecting a non-blocking socket to `address`: the socket, and whether the
    /// connection is already made (else it completes when the socket turns writable).
    static func connect(to address: SocketAddress) throws(WireError) -> (descriptor: CInt, connected: Bool) {
        let descriptor = gangway_wire_stream_socket(CInt(address.protocol.rawValue))
        guard descriptor >= 0 else { throw .system("socket", errno) }
        _ = gangway_wire_set_nodelay(descriptor)
        let result = address.withSockAddr { pointer, size in Glibc.connect(descriptor, pointer, socklen_t(size)) }
        if result == 0 { return (descriptor, true) }
        let code = errno
        guard code == EINPROGRESS else {
            Glibc.close(descriptor)
            throw .system("connect", code)
        }
        return (descriptor, false)
    }
}

extension WireSocket {
    /// The addresses of a host name, as getaddrinfo gives them (blocks: call off the loop).
    static func resolve(_ host: String, port: Int) throws -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_socktype = CInt(SOCK_STREAM.rawValue)
        hints.ai_protocol = CInt(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw WireResolveError(host: host, message: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            if let raw = info.pointee.ai_addr {
                switch info.pointee.ai_family {
                case AF_INET:
                    addresses.append(raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { SocketAddress($0.pointee, host: host) })
                case AF_INET6:
                    addresses.append(raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { SocketAddress($0.pointee, host: host) })
                default:
                    break
                }
            }
            entry = info.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw WireResolveError(host: host, message: "no address") }
        return addresses
    }
}

/// A host name had no address.
struct WireResolveError: Error, CustomStringConvertible {
    let host: String
    let message: String

    var description: String { "cannot resolve \(host): \(message)" }
}
