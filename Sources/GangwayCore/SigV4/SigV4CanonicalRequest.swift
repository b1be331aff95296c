/// The canonical request and string to sign of SigV4, built the way botocore builds them.
public struct SigV4CanonicalRequest: Sendable, Equatable {
    public static let algorithm = "AWS4-HMAC-SHA256"

    public var method: String
    public var canonicalURI: String
    public var canonicalQuery: String
    /// `name:value` lines, names lower-case and sorted as in ``signedHeaders``.
    public var canonicalHeaders: String
    /// `host;x-amz-date`
    public var signedHeaders: String
    public var payloadHash: String

    public init(
        method: String, canonicalURI: String, canonicalQuery: String, canonicalHeaders: String,
        signedHeaders: String, payloadHash: String
    ) {
        self.method = method
        self.canonicalURI = canonicalURI
        self.canonicalQuery = canonicalQuery
        self.canonicalHeaders = canonicalHeaders
        self.signedHeaders = signedHeaders
        self.payloadHash = payloadHash
    }

    /// The six lines joined by newlines (the header block ends with its own newline).
    public var text: String {
        "\(method)\n\(canonicalURI)\n\(canonicalQuery)\n\(canonicalHeaders)\n\n\(signedHeaders)\n\(payloadHash)"
    }

    /// `AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{hex(sha256(canonical request))}`
    public func stringToSign(amzDate: String, scope: SigV4CredentialScope) -> String {
        "\(Self.algorithm)\n\(amzDate)\n\(scope)\n\(SigV4Encoding.sha256Hex(text))"
    }
}

extension SigV4CanonicalRequest {
    /// The canonical URI of a raw path for every service but S3, as botocore computes it:
    /// dot segments and empty segments removed, then the (already encoded) path encoded
    /// once more, keeping `/` and unreserved characters. So `/a%20b` becomes `/a%2520b`.
    public static func canonicalURI(rawPath: String) -> String {
        let bytes = Array(rawPath.utf8)
        guard !bytes.isEmpty else { return "/" }
        var segments: [ArraySlice<UInt8>] = []
        for segment in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if segment.elementsEqual(".".utf8) { continue }
            if segment.elementsEqual("..".utf8) {
                _ = segments.popLast()
                continue
            }
            segments.append(segment)
        }
        var normalized: [UInt8] = bytes.first == UInt8(ascii: "/") ? [UInt8(ascii: "/")] : []
        for (index, segment) in segments.enumerated() {
            if index > 0 { normalized.append(UInt8(ascii: "/")) }
            normalized.append(contentsOf: segment)
        }
        if bytes.last == UInt8(ascii: "/"), !segments.isEmpty {
            normalized.append(UInt8(ascii: "/"))
        }
        return SigV4Encoding.percentEncode(normalized, keepSlash: true)
    }

    /// The canonical query string of a raw query: pairs split on `&` (empty ones dropped),
    /// names and values decoded and re-encoded per RFC 3986, sorted by name then value.
    /// For the well-formed queries SDKs send this equals botocore's result byte for byte.
    public static func canonicalQuery(rawQuery: String) -> String {
        canonicalQuery(pairs: rawPairs(rawQuery))
    }

    static func rawPairs(_ rawQuery: String) -> [(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>)] {
        let bytes = Array(rawQuery.utf8)
        return bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { pair in
            if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                return (pair[pair.startIndex..<equals], pair[(equals + 1)...])
            }
            return (pair, [])
        }
    }

    static func canonicalQuery(pairs: [(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>)]) -> String {
        let encoded = pairs.map { (name: SigV4Encoding.normalize($0.name), value: SigV4Encoding.normalize($0.value)) }
        // Encoded text is ASCII, so comparing UTF-8 bytes is the code-point order botocore sorts by.
        let sorted = encoded.sorted { lhs, rhs in
            if lhs.name != rhs.name { return lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8) }
            return lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
        }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// The canonical header block for the named (lower-case) headers: each value trimmed,
    /// repeated headers joined with `,` in arrival order. Fails with the name of a signed header
    /// the request lacks.
    static func canonicalHeaders(
        signedHeaderNames: [String], headers: [(name: String, value: String)]
    ) -> Result<String, MissingHeader> {
        var grouped: [String: [String]] = [:]
        for header in headers {
            grouped[SigV4Encoding.asciiLowercased(header.name), default: []].append(SigV4Encoding.trimAll(header.value))
        }
        var lines: [String] = []
        lines.reserveCapacity(signedHeaderNames.count)
        for name in signedHeaderNames {
            guard let values = grouped[name] else { return .failure(MissingHeader(name: name)) }
            lines.append("\(name):\(values.joined(separator: ","))")
        }
        return .success(lines.joined(separator: "\n"))
    }

    struct MissingHeader: Error {
        var name: String
    }
}
