import NIOCore
import NIOHTTP1

/// One HTTP/1.1 endpoint under load: where to connect and the exact request to send, built once
/// so that every exchange writes the same bytes.
struct Target {
    let name: String
    let host: String
    let port: Int
    let head: HTTPRequestHead
    let body: ByteBuffer

    /// `spec` is `name=http://host:port/path` (or a bare URL, named after its port). Only
    /// loopback hosts are accepted: the benchmark never sends load off this machine.
    init(spec: String, headers: [(String, String)], body: [UInt8]) throws {
        var name: String?
        var url = Substring(spec)
        if let equals = spec.firstIndex(of: "="), !spec[..<equals].contains("/") {
            name = String(spec[..<equals])
            url = spec[spec.index(after: equals)...]
        }
        guard url.hasPrefix("http://") else { throw UsageError("\(spec): only http:// URLs are supported") }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        guard let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...])
        else { throw UsageError("\(spec): the URL needs an explicit port") }
        var host = String(authority[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard host == "localhost" || host == "::1" || host.hasPrefix("127.") else {
            throw UsageError("\(spec): only loopback hosts (127.0.0.0/8, localhost, ::1) may be targeted")
        }
        self.name = name ?? "port\(port)"
        self.host = host
        self.port = port
        var head = HTTPRequestHead(version: .http1_1, method: body.isEmpty ? .GET : .POST, uri: path.isEmpty ? "/" : String(path))
        head.headers.add(name: "Host", value: String(authority))
        if !body.isEmpty {
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: String(body.count))
        }
        for (field, value) in headers { head.headers.add(name: field, value: value) }
        self.head = head
        self.body = ByteBuffer(bytes: body)
    }
}

struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
