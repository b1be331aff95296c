import HTTPTypes
import NIOHTTP1

/// Which headers cross the gateway. Hop-by-hop headers belong to one connection; credentials
/// meant for Gangway never reach an instance; framing headers are recomputed.
enum HeaderForwarding {
    static let notForwardedToInstance: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "content-length", "authorization", "expect",
        "x-amz-date", "x-amz-security-token", "x-amz-content-sha256",
    ]

    static let notForwardedToClient: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "content-length", "date", "server",
    ]

    static func requestHeaders(_ fields: HTTPFields) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.reserveCapacity(fields.count)
        for field in fields where !notForwardedToInstance.contains(field.name.canonicalName) {
            headers.add(name: field.name.rawName, value: field.value)
        }
        return headers
    }

    static func responseHeaders(_ headers: HTTPHeaders) -> HTTPFields {
        var fields = HTTPFields()
        fields.reserveCapacity(headers.count)
        for (name, value) in headers {
            if let fieldName = HTTPField.Name(name), !notForwardedToClient.contains(fieldName.canonicalName) {
                fields.append(HTTPField(name: fieldName, value: value))
            }
        }
        return fields
    }
}
