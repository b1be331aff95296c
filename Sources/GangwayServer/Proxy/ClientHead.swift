import NIOCore
import NIOHTTP1

/// A request head as the exchange sees it: read by NIO's decoder (on connections that also
/// carry the router's requests) or straight from the bytes (``ClientRequestHead``).
enum ClientHead {
    case decoded(HTTPRequestHead)
    case raw(ClientRequestHead)

    var method: HTTPMethod {
        switch self {
        case .decoded(let head): head.method
        case .raw(let head): head.method
        }
    }

    /// The request target as sent.
    var uri: String {
        switch self {
        case .decoded(let head): head.uri
        case .raw(let head): head.target
        }
    }

    var version: HTTPVersion {
        switch self {
        case .decoded(let head): head.version
        case .raw(let head): head.version
        }
    }

    var isKeepAlive: Bool {
        switch self {
        case .decoded(let head): head.isKeepAlive
        case .raw(let head): head.keepAlive
        }
    }

    /// The body length the client declared, if any.
    var declaredLength: Int? {
        switch self {
        case .decoded(let head): head.headers.first(name: "content-length").flatMap { Int($0) }
        case .raw(let head): head.contentLength
        }
    }

    /// `Expect: 100-continue` (the fast path leaves such requests to NIO's decoder).
    var expectsContinue: Bool {
        switch self {
        case .decoded(let head): head.headers.first(name: "expect")?.lowercased() == "100-continue"
        case .raw: false
        }
    }

    /// About how many bytes the forwarded header lines take, to size the instance request once.
    var headerBytesHint: Int {
        switch self {
        case .decoded(let head): head.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        case .raw(let head): head.bytes.readableBytes
        }
    }

    func writeForwardedHeaderLines(into buffer: inout ByteBuffer) {
        switch self {
        case .decoded(let head): HeaderForwarding.writeRequestHeaderLines(head.headers, into: &buffer)
        case .raw(let head): HeaderForwarding.writeRequestHeaderLines(head, into: &buffer)
        }
    }

    func authenticationRequest(body: ByteBuffer) -> AuthenticationRequest {
        switch self {
        case .decoded(let head):
            AuthenticationRequest(method: head.method.rawValue, target: head.uri, headers: head.headers, body: body)
        case .raw(let head):
            AuthenticationRequest(head, body: body)
        }
    }

    /// Whether the request's one `Authorization` header is, byte for byte, `expected`.
    func hasSoleAuthorization(_ expected: [UInt8]) -> Bool {
        switch self {
        case .decoded(let head):
            guard case .one(var value) = SoleHeader(head.headers["authorization"]) else { return false }
            return value.withUTF8 { text in
                expected.withUnsafeBytes { HTTP1Syntax.sameBytes(UnsafeRawBufferPointer(text), $0) }
            }
        case .raw(let head):
            return head.hasSoleValue("authorization", equalTo: expected)
        }
    }

    /// The bytes of the request's one `Authorization` header; nil if it has none or several.
    var soleAuthorizationBytes: [UInt8]? {
        let sole =
            switch self {
            case .decoded(let head): SoleHeader(head.headers["authorization"])
            case .raw(let head): head.soleValue("authorization")
            }
        guard case .one(let value) = sole else { return nil }
        return Array(value.utf8)
    }
}
