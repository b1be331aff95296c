import HTTPTypes
import NIOHTTP1

/// Which headers cross the gateway. Hop-by-hop headers belong to one connection; credentials
/// meant for Gangway never reach an instance; framing headers are recomputed.
enum HeaderForwarding {
    // Lower-case names as bytes, so a name is compared without lower-casing it (which allocates).
    private static let notForwardedToInstance = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "content-length", "authorization", "expect",
        "x-amz-date", "x-amz-security-token", "x-amz-content-sha256",
    ].map { Array($0.utf8) }

    private static let notForwardedToClient = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "content-length", "date", "server",
    ].map { Array($0.utf8) }

    /// HTTPTypes' fields to NIO's headers, for the SageMaker invoke paths (served by the router).
    static func requestHeaders(_ fields: HTTPFields) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.reserveCapacity(fields.count)
        for field in fields where !matches(field.name.rawName, notForwardedToInstance) {
            headers.add(name: field.name.rawName, value: field.value)
        }
        return headers
    }

    /// NIO's headers to NIO's headers, for the OpenAI paths (served below the router).
    static func requestHeaders(_ headers: HTTPHeaders) -> HTTPHeaders {
        headers.dropping(notForwardedToInstance)
    }

    /// NIO's headers to NIO's headers, for the OpenAI paths.
    static func responseHeaders(_ headers: HTTPHeaders) -> HTTPHeaders {
        headers.dropping(notForwardedToClient)
    }

    /// Whether `name` is one of `lowercasedNames`, ignoring ASCII letter case.
    static func matches(_ name: String, _ lowercasedNames: [[UInt8]]) -> Bool {
        let length = name.utf8.count
        for candidate in lowercasedNames where candidate.count == length {
            let equal = name.utf8.elementsEqual(candidate) { byte, lower in
                (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == lower
            }
            if equal { return true }
        }
        return false
    }
}

extension HTTPHeaders {
    /// These headers less those named in `lowercasedNames` (any letter case), with room for two more.
    fileprivate func dropping(_ lowercasedNames: [[UInt8]]) -> HTTPHeaders {
        var kept = HTTPHeaders()
        kept.reserveCapacity(count + 2)
        for (name, value) in self where !HeaderForwarding.matches(name, lowercasedNames) {
            kept.add(name: name, value: value)
        }
        return kept
    }
}
