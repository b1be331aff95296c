public import Foundation

/// A request signed with an `Authorization: AWS4-HMAC-SHA256 ...` header, parsed and ready to verify.
///
/// Parsing builds the canonical request from the request as it travelled (botocore's rules for
/// every service but S3); ``verify(signingKey:expectedService:expectedRegion:now:)`` then needs
/// only the signing key of ``accessKeyId`` for ``scope``.
public struct SigV4HeaderAuthentication: Sendable, CustomStringConvertible, CustomReflectable {
    /// Largest distance between the signing time and the server's clock.
    public static let allowedClockSkew: TimeInterval = 300

    public let accessKeyId: String
    public let scope: SigV4CredentialScope
    /// From `X-Amz-Date`, or from `Date` when `X-Amz-Date` is absent.
    public let signedAt: Date
    public let signedHeaders: [String]
    /// `X-Amz-Security-Token`, present for temporary credentials.
    public let sessionToken: Secret?
    /// The canonical request the signature must cover. Internal: it holds header values such
    /// as the session token, so it must not reach a log or an error message.
    let canonicalRequest: SigV4CanonicalRequest

    let signature: String
    let stringToSign: String

    /// Parses the `Authorization` header and builds the string to sign.
    public init(request: SigV4Request) throws(SigV4Failure) {
        let authorizations = request.values(forHeader: "authorization")
        guard authorizations.count == 1 else { throw SigV4Failure(.incompleteSignature, .missingParameter("Authorization")) }
        let header = try SigV4AuthorizationHeader(parsing: authorizations[0])
        guard header.signedHeaders.contains("host") else { throw SigV4Failure(.incompleteSignature, .hostNotSigned) }

        let amzDate = try Self.signingTime(request)
        guard amzDate.text.hasPrefix(header.credential.scope.dateStamp) else {
            throw SigV4Failure(.signatureDoesNotMatch, .scopeDateMismatch)
        }

        var sessionToken: Secret?
        let tokens = request.values(forHeader: "x-amz-security-token")
        if !tokens.isEmpty {
            guard tokens.count == 1, !tokens[0].isEmpty else {
                throw SigV4Failure(.incompleteSignature, .emptySessionToken)
            }
            sessionToken = Secret(tokens[0])
        }

        let payloadHash = try Self.payloadHash(request, signedHeaders: header.signedHeaders)
        let canonicalHeaders: String
        switch SigV4CanonicalRequest.canonicalHeaders(signedHeaderNames: header.signedHeaders, headers: request.headers) {
        case .success(let block): canonicalHeaders = block
        case .failure(let missing): throw SigV4Failure(.signatureDoesNotMatch, .missingSignedHeader(missing.name))
        }
        let canonical = SigV4CanonicalRequest(
            method: request.method.uppercased(),
            canonicalURI: SigV4CanonicalRequest.canonicalURI(rawPath: request.rawPath),
            canonicalQuery: SigV4CanonicalRequest.canonicalQuery(rawQuery: request.rawQuery),
            canonicalHeaders: canonicalHeaders, signedHeaders: header.signedHeaders.joined(separator: ";"),
            payloadHash: payloadHash)

        self.accessKeyId = header.credential.accessKeyId
        self.scope = header.credential.scope
        self.signedAt = amzDate.date
        self.signedHeaders = header.signedHeaders
        self.sessionToken = sessionToken
        self.canonicalRequest = canonical
        self.signature = header.signature
        self.stringToSign = canonical.stringToSign(amzDate: amzDate.text, scope: header.credential.scope)
    }

    /// Whether a header value uses the SigV4 scheme (so the caller can pick a verifier).
    public static func isSigV4Authorization(_ header: some StringProtocol) -> Bool {
        header.hasPrefix(SigV4CanonicalRequest.algorithm + " ")
    }

    /// Checks scope, signature and signing time, in that order.
    public func verify(
        signingKey: SigV4SigningKey, expectedService: String, expectedRegion: String, now: Date
    ) throws(SigV4Failure) {
        try checkScope(expectedService: expectedService, expectedRegion: expectedRegion)
        guard signingKey.isValidSignature(signature, for: stringToSign) else {
            throw SigV4Failure(.signatureDoesNotMatch, .signatureMismatch)
        }
        try checkTime(now: now)
    }

    /// Cheap, key-free checks a caller can run before deriving (and caching) a signing key.
    public func checkScope(expectedService: String, expectedRegion: String) throws(SigV4Failure) {
        guard scope.service == expectedService else {
            throw SigV4Failure(.signatureDoesNotMatch, .wrongService(scope.service))
        }
        guard scope.region == expectedRegion else {
            throw SigV4Failure(.signatureDoesNotMatch, .wrongRegion(scope.region))
        }
    }

    /// `|now - signedAt| <= allowedClockSkew`.
    public func checkTime(now: Date) throws(SigV4Failure) {
        let skew = now.timeIntervalSince(signedAt)
        guard abs(skew) <= Self.allowedClockSkew else {
            throw SigV4Failure(.requestExpired, .skewed(seconds: Int64(skew.rounded(.towardZero))))
        }
    }

    private static func signingTime(_ request: SigV4Request) throws(SigV4Failure) -> (text: String, date: Date) {
        let amzDates = request.values(forHeader: "x-amz-date")
        if !amzDates.isEmpty {
            guard amzDates.count == 1, let date = SigV4Time.parseAmzDate(amzDates[0]) else {
                throw SigV4Failure(.incompleteSignature, .malformedDate)
            }
            return (amzDates[0], date)
        }
        guard let dateHeader = request.singleValue(forHeader: "date"), let date = SigV4Time.parseHTTPDate(dateHeader)
        else { throw SigV4Failure(.incompleteSignature, .missingDate) }
        return (SigV4Time.amzDate(date), date)
    }

    /// The body hash the signature covers. A signed `X-Amz-Content-Sha256` is used as sent,
    /// but only after checking it against the body, so a signed header cannot vouch for a
    /// swapped body. `UNSIGNED-PAYLOAD` is refused: only S3 allows it.
    private static func payloadHash(_ request: SigV4Request, signedHeaders: [String]) throws(SigV4Failure) -> String {
        let actual = request.payload.hashHex
        guard signedHeaders.contains("x-amz-content-sha256") else { return actual }
        guard let claimed = request.singleValue(forHeader: "x-amz-content-sha256"),
            SigV4Encoding.parseLowerHex32(Substring(claimed)) != nil
        else { throw SigV4Failure(.incompleteSignature, .malformedPayloadHash) }
        guard claimed == actual else { throw SigV4Failure(.signatureDoesNotMatch, .payloadHashMismatch) }
        return claimed
    }

    /// Names the credential, never the signature (which, with the request, could be replayed).
    public var description: String {
        "SigV4HeaderAuthentication(accessKeyId: \(accessKeyId), scope: \(scope), signedAt: \(SigV4Time.amzDate(signedAt)))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyId": accessKeyId, "scope": scope, "signedAt": signedAt], displayStyle: .struct)
    }
}
