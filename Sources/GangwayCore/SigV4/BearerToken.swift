public import Foundation

/// A SageMaker bearer token (`Authorization: Bearer sagemaker-api-key-<base64>`), parsed.
///
/// The base64 wraps a SigV4 pre-signed URL without its scheme, exactly as the SageMaker Python
/// SDK's `generate_token` writes it (see DESIGN.md §3). Parsing checks the shape only; call
/// ``verify(signingKey:expectedRegion:now:)`` with the key of ``accessKeyId`` to authenticate.
public struct BearerToken: Sendable, CustomStringConvertible, CustomReflectable {
    public static let prefix = "sagemaker-api-key-"
    public static let host = "sagemaker.amazonaws.com"
    public static let service = "sagemaker"
    public static let action = "CallWithBearerToken"
    /// Longest `Authorization` header value accepted, in bytes; checked before any decoding.
    public static let maximumHeaderLength = 16 * 1024
    /// Lifetimes a token may declare, in seconds (the SDK allows up to 12 hours).
    public static let expiryRange = 1...43_200
    /// How early a token may be used, for clocks that run slightly apart.
    public static let allowedClockSkew: TimeInterval = 300

    public let accessKeyId: String
    public let scope: SigV4CredentialScope
    /// `X-Amz-Date`: when the token was signed (the value of `aws:TokenIssueTime`).
    public let issuedAt: Date
    /// `X-Amz-Expires`, in seconds.
    public let expiresInSeconds: Int
    /// `X-Amz-Security-Token`, present for temporary credentials.
    public let sessionToken: Secret?

    /// The instant after which the token is refused.
    public var expiresAt: Date { issuedAt.addingTimeInterval(TimeInterval(expiresInSeconds)) }

    let signature: String
    let stringToSign: String

    init(
        accessKeyId: String, scope: SigV4CredentialScope, issuedAt: Date, expiresInSeconds: Int,
        sessionToken: Secret?, signature: String, stringToSign: String
    ) {
        self.accessKeyId = accessKeyId
        self.scope = scope
        self.issuedAt = issuedAt
        self.expiresInSeconds = expiresInSeconds
        self.sessionToken = sessionToken
        self.signature = signature
        self.stringToSign = stringToSign
    }
}

extension BearerToken {
    /// Names the credential and validity, never the signature: with the other fields it would
    /// rebuild the token.
    public var description: String {
        "BearerToken(accessKeyId: \(accessKeyId), scope: \(scope), issuedAt: \(SigV4Time.amzDate(issuedAt)), "
            + "expiresInSeconds: \(expiresInSeconds))"
    }

    public var customMirror: Mirror {
        Mirror(
            self, children: ["accessKeyId": accessKeyId, "scope": scope, "issuedAt": issuedAt, "expiresInSeconds": expiresInSeconds],
            displayStyle: .struct)
    }
}

extension BearerToken {
    /// Checks the region, the signature and the validity window, in that order.
    ///
    /// The region comes first so a caller may also call ``checkRegion(_:)`` before deriving a
    /// signing key, and never derive or cache keys for regions it does not serve.
    public func verify(signingKey: SigV4SigningKey, expectedRegion: String, now: Date) throws(SigV4Failure) {
        try checkRegion(expectedRegion)
        guard signingKey.isValidSignature(signature, for: stringToSign) else {
            throw SigV4Failure(.invalidToken, .signatureMismatch)
        }
        try checkValidity(now: now)
    }

    public func checkRegion(_ expectedRegion: String) throws(SigV4Failure) {
        guard scope.region == expectedRegion else {
            throw SigV4Failure(.invalidToken, .wrongRegion(scope.region))
        }
    }

    /// Valid when `issuedAt - allowedClockSkew <= now <= issuedAt + expiresInSeconds`.
    public func checkValidity(now: Date) throws(SigV4Failure) {
        let earliest = issuedAt.addingTimeInterval(-Self.allowedClockSkew)
        if now < earliest {
            let early = Int64(earliest.timeIntervalSince(now).rounded(.up))
            throw SigV4Failure(.tokenNotYetValid, .notYetValid(secondsEarly: early))
        }
        if now > expiresAt {
            let late = Int64(now.timeIntervalSince(expiresAt).rounded(.up))
            throw SigV4Failure(.tokenExpired, .expired(secondsAgo: late))
        }
    }
}
