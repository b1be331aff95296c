/// What the verifier and signer need to know about one HTTP request, as it travelled.
///
/// `rawPath` and `rawQuery` are exactly the bytes of the request target (still percent-encoded);
/// decoding them first would change what the client signed.
public struct SigV4Request: Sendable, CustomStringConvertible, CustomReflectable {
    public var method: String
    /// The path as received, e.g. `/endpoints/my%20model/invocations`.
    public var rawPath: String
    /// The query string as received, without the `?`; empty when there is none.
    public var rawQuery: String
    /// Every header in arrival order; a name may repeat.
    public var headers: [(name: String, value: String)]
    public var payload: SigV4Payload

    public init(
        method: String, rawPath: String, rawQuery: String = "", headers: [(name: String, value: String)],
        payload: SigV4Payload
    ) {
        self.method = method
        self.rawPath = rawPath
        self.rawQuery = rawQuery
        self.headers = headers
        self.payload = payload
    }

    /// All values of a header, matched case-insensitively, in arrival order.
    public func values(forHeader name: String) -> [String] {
        let wanted = SigV4Encoding.asciiLowercased(name)
        return headers.compactMap { SigV4Encoding.asciiLowercased($0.name) == wanted ? $0.value : nil }
    }

    /// Method, path and header names only: values include `Authorization` and session tokens.
    public var description: String {
        "SigV4Request(\(method) \(rawPath), headers: \(headers.map(\.name)))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["method": method, "rawPath": rawPath, "headerNames": headers.map(\.name)], displayStyle: .struct)
    }

    /// The single value of a header, or `nil` when it is absent or repeated.
    func singleValue(forHeader name: String) -> String? {
        let values = values(forHeader: name)
        return values.count == 1 ? values[0] : nil
    }
}

/// The request body as the signature covers it.
public enum SigV4Payload: Sendable {
    /// The whole body; its SHA-256 is computed (and compared with `X-Amz-Content-Sha256` if signed).
    case bytes([UInt8])
    /// The body's SHA-256 as 64 lower-case hex digits, computed by the caller while reading it.
    case sha256Hex(String)

    public static let empty = SigV4Payload.sha256Hex(SigV4Encoding.emptyPayloadHash)

    /// The body's hash, computed from its bytes in place (no copy of a large body).
    public static func hashing(_ body: UnsafeRawBufferPointer) -> SigV4Payload {
        .sha256Hex(SigV4Encoding.sha256Hex(body))
    }

    var hashHex: String {
        switch self {
        case .bytes(let bytes): SigV4Encoding.sha256Hex(bytes)
        case .sha256Hex(let hex): hex
        }
    }
}
