public import Foundation
public import GangwayStore

/// Who made a request, once authentication succeeded: what handlers and the policy engine use.
public struct CallerIdentity: Sendable {
    public enum Method: String, Sendable {
        case bearerToken = "bearer"
        case sigV4Header = "sigv4"
    }

    /// The access key that signed, with its user and policies (one shared reference).
    public let credential: AccessKeyCredential
    public let method: Method
    /// When the credential was issued: the token's `X-Amz-Date`, or the request's signing time.
    public let issuedAt: Date
    /// When a bearer token stops being accepted; nil for a signed request.
    public let tokenExpiresAt: Date?

    public init(credential: AccessKeyCredential, method: Method, issuedAt: Date, tokenExpiresAt: Date? = nil) {
        self.credential = credential
        self.method = method
        self.issuedAt = issuedAt
        self.tokenExpiresAt = tokenExpiresAt
    }

    public var user: IAMUser { credential.user }
    public var accessKeyID: String { credential.accessKeyID }
    public var policies: [UserPolicy] { credential.policies }
}

/// Why authentication failed. `publicMessage` is safe for the client; `logReason` says
/// exactly why for the server log and never holds a token, signature or secret.
public struct AuthenticationError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        case missing
        case invalidToken
        case expiredToken
        case tokenNotYetValid
        case incompleteSignature
        case signatureDoesNotMatch
        case requestExpired
        case unknownAccessKey
        case inactiveAccessKey
    }

    public let kind: Kind
    public let publicMessage: String
    public let logReason: String

    public var description: String { logReason }

    /// The `reason` label of `gangway_auth_failures_total`.
    public var metricLabel: String {
        switch kind {
        case .missing: "missing"
        case .invalidToken: "invalid_token"
        case .expiredToken: "expired_token"
        case .tokenNotYetValid: "token_not_yet_valid"
        case .incompleteSignature: "incomplete_signature"
        case .signatureDoesNotMatch: "signature_does_not_match"
        case .requestExpired: "request_expired"
        case .unknownAccessKey: "unknown_access_key"
        case .inactiveAccessKey: "inactive_access_key"
        }
    }

    /// The AWS error code for the Query and SageMaker APIs.
    public var awsCode: String {
        switch kind {
        case .missing: "MissingAuthenticationToken"
        case .invalidToken, .expiredToken, .tokenNotYetValid: "InvalidClientTokenId"
        case .incompleteSignature: "IncompleteSignature"
        case .signatureDoesNotMatch: "SignatureDoesNotMatch"
        case .requestExpired: "RequestExpired"
        case .unknownAccessKey, .inactiveAccessKey: "InvalidClientTokenId"
        }
    }
}
