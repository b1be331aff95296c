import Foundation

extension BearerToken {
    /// Parses a whole `Authorization` header value: `Bearer sagemaker-api-key-...`.
    /// The scheme is matched case-insensitively (RFC 9110); the token itself exactly.
    public init(authorizationHeader: some StringProtocol) throws(SigV4Failure) {
        let length = authorizationHeader.utf8.count
        guard length <= Self.maximumHeaderLength else {
            throw SigV4Failure(.invalidToken, .headerTooLong(bytes: length))
        }
        let scheme = authorizationHeader.prefix(7)
        guard scheme.utf8.count == 7, SigV4Encoding.asciiLowercased(scheme) == "bearer " else {
            throw SigV4Failure(.invalidToken, .wrongScheme)
        }
        let token = authorizationHeader.dropFirst(7).drop { $0 == " " }
        try self.init(token: Substring(token))
    }

    /// Parses the token alone: `sagemaker-api-key-<base64>`.
    public init(token: some StringProtocol) throws(SigV4Failure) {
        let length = token.utf8.count
        guard length <= Self.maximumHeaderLength else {
            throw SigV4Failure(.invalidToken, .headerTooLong(bytes: length))
        }
        guard token.hasPrefix(Self.prefix) else { throw SigV4Failure(.invalidToken, .missingTokenPrefix) }
        guard let decoded = StrictBase64.decode(Substring(token.dropFirst(Self.prefix.utf8.count))) else {
            throw SigV4Failure(.invalidToken, .badBase64)
        }
        guard decoded.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw SigV4Failure(.invalidToken, .notPrintableASCII)
        }
        let lead = Array("\(Self.host)/?".utf8)
        guard decoded.starts(with: lead) else { throw SigV4Failure(.invalidToken, .wrongHostOrPath) }
        let parameters = try Parameters(decoded[lead.count...])
        self = try Self.validate(parameters)
    }

    /// Whether a header value names the Bearer scheme, in any letter case (so the caller can
    /// pick a verifier; a malformed token after it is the token parser's to refuse). Compared as
    /// bytes: this runs on every request.
    public static func isBearerAuthorization(_ header: String) -> Bool {
        var header = header  // a native string's bytes are read in place
        return header.withUTF8 { bytes in
            let scheme: StaticString = "bearer"
            guard bytes.count >= scheme.utf8CodeUnitCount else { return false }
            return ASCIICase.equals(
                UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[..<scheme.utf8CodeUnitCount]),
                lowercased: scheme)
        }
    }

    private static func validate(_ parameters: Parameters) throws(SigV4Failure) -> BearerToken {
        guard parameters.decoded(.action) == action else { throw SigV4Failure(.invalidToken, .wrongAction) }
        guard parameters.decoded(.version) == "1" else { throw SigV4Failure(.invalidToken, .wrongVersion) }
        guard parameters.decoded(.algorithm) == SigV4CanonicalRequest.algorithm else {
            throw SigV4Failure(.invalidToken, .wrongAlgorithm)
        }
        guard parameters.decoded(.signedHeaders) == "host" else {
            throw SigV4Failure(.invalidToken, .wrongSignedHeaders)
        }
        guard let credential = SigV4Credential(parsing: Substring(parameters.decoded(.credential) ?? "")) else {
            throw SigV4Failure(.invalidToken, .malformedCredential)
        }
        let amzDate = parameters.decoded(.date) ?? ""
        guard let issuedAt = SigV4Time.parseAmzDate(amzDate) else { throw SigV4Failure(.invalidToken, .malformedDate) }
        guard amzDate.hasPrefix(credential.scope.dateStamp) else {
            throw SigV4Failure(.invalidToken, .scopeDateMismatch)
        }
        guard credential.scope.service == service else {
            throw SigV4Failure(.invalidToken, .wrongService(credential.scope.service))
        }
        let expiresText = parameters.decoded(.expires) ?? ""
        guard (1...5).contains(expiresText.utf8.count), let expires = CivilTime.digits(ArraySlice(expiresText.utf8)),
            expiryRange.contains(expires)
        else { throw SigV4Failure(.invalidToken, .expiresOutOfRange) }
        let signature = parameters.decoded(.signature) ?? ""
        guard SigV4Encoding.parseLowerHex32(Substring(signature)) != nil else {
            throw SigV4Failure(.invalidToken, .malformedSignature)
        }
        var sessionToken: Secret?
        if let token = parameters.decoded(.securityToken) {
            guard !token.isEmpty else { throw SigV4Failure(.invalidToken, .emptySessionToken) }
            sessionToken = Secret(token)
        }
        let canonical = SigV4CanonicalRequest(
            method: "POST", canonicalURI: "/", canonicalQuery: parameters.signedCanonicalQuery(),
            canonicalHeaders: "host:\(host)", signedHeaders: "host", payloadHash: SigV4Encoding.emptyPayloadHash)
        return BearerToken(
            accessKeyId: credential.accessKeyId, scope: credential.scope, issuedAt: issuedAt,
            expiresInSeconds: expires, sessionToken: sessionToken, signature: signature,
            stringToSign: canonical.stringToSign(amzDate: amzDate, scope: credential.scope))
    }
}

extension BearerToken {
    /// The query parameters of a token's URL; each may appear once.
    enum Name: String, CaseIterable {
        case action = "Action"
        case algorithm = "X-Amz-Algorithm"
        case credential = "X-Amz-Credential"
        case date = "X-Amz-Date"
        case expires = "X-Amz-Expires"
        case signedHeaders = "X-Amz-SignedHeaders"
        case securityToken = "X-Amz-Security-Token"
        case signature = "X-Amz-Signature"
        case version = "Version"

        var isRequired: Bool { self != .securityToken }
        /// `Version` is appended after signing, and the signature cannot sign itself.
        var isSigned: Bool { self != .signature && self != .version }

        static let byName: [[UInt8]: Name] = Dictionary(
            uniqueKeysWithValues: allCases.map { (Array($0.rawValue.utf8), $0) })
    }

    struct Parameters {
        private var raw: [Name: ArraySlice<UInt8>] = [:]

        init(_ query: ArraySlice<UInt8>) throws(SigV4Failure) {
            for pair in query.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false) {
                guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else {
                    throw SigV4Failure(.invalidToken, .malformedParameter)
                }
                guard let name = Name.byName[Array(pair[pair.startIndex..<equals])] else {
                    throw SigV4Failure(.invalidToken, .unknownParameter)
                }
                guard raw[name] == nil else { throw SigV4Failure(.invalidToken, .repeatedParameter(name.rawValue)) }
                raw[name] = pair[(equals + 1)...]
            }
            for name in Name.allCases where name.isRequired && raw[name] == nil {
                throw SigV4Failure(.invalidToken, .missingParameter(name.rawValue))
            }
        }

        func decoded(_ name: Name) -> String? {
            raw[name].map { String(decoding: SigV4Encoding.percentDecode($0), as: UTF8.self) }
        }

        func signedCanonicalQuery() -> String {
            let pairs = Name.allCases.compactMap { name -> (name: ArraySlice<UInt8>, value: ArraySlice<UInt8>)? in
                guard name.isSigned, let value = raw[name] else { return nil }
                return (ArraySlice(name.rawValue.utf8), value)
            }
            return SigV4CanonicalRequest.canonicalQuery(pairs: pairs)
        }
    }
}
