/// Why a bearer token or a signed request was refused.
///
/// Two audiences, two fields. ``category`` (and its ``publicMessage``) is what the client may
/// see: it says what to do ("get a new token") but never which check failed, so a forger learns
/// nothing. ``reason`` is for the server log: precise, but built only from fixed text and
/// validated, bounded values, never from the token, a signature or a secret.
public struct SigV4Failure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Category: String, Sendable, Equatable, CaseIterable {
        /// A bearer token that is malformed, forged, or for another region.
        case invalidToken
        case tokenExpired
        case tokenNotYetValid
        /// An `Authorization: AWS4-HMAC-SHA256` header or its companions that cannot be parsed.
        case incompleteSignature
        /// A well-formed signed request whose signature, scope or payload hash does not check out.
        case signatureDoesNotMatch
        /// A signed request whose date is more than the allowed skew from the server's clock.
        case requestExpired
    }

    public let category: Category
    public let reason: Reason

    public init(_ category: Category, _ reason: Reason) {
        self.category = category
        self.reason = reason
    }

    /// Safe to send to the client.
    public var publicMessage: String {
        switch category {
        case .invalidToken:
            "The bearer token is invalid; generate a new one (`gangway token`, or the SageMaker SDK's generate_token) from an access key of this gateway, for its region."
        case .tokenExpired: "The bearer token has expired; generate a new one."
        case .tokenNotYetValid: "The bearer token is not valid yet; check the clock of the machine that made it."
        case .incompleteSignature: "The request's SigV4 authorization is incomplete or malformed."
        case .signatureDoesNotMatch:
            "The request signature does not match the one the server calculated; check the secret access key and the signing method."
        case .requestExpired: "The request's signing time is too far from the server's time; check the client's clock."
        }
    }

    /// For logs: `category: reason`. Contains no token, signature or secret.
    public var description: String { "\(category.rawValue): \(reason)" }
}

extension SigV4Failure {
    /// The precise internal cause. Associated values are fixed names or already-validated text.
    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        case headerTooLong(bytes: Int)
        case wrongScheme
        case missingTokenPrefix
        case badBase64
        case notPrintableASCII
        case wrongHostOrPath
        case malformedParameter
        case unknownParameter
        case missingParameter(String)
        case repeatedParameter(String)
        case wrongAction
        case wrongAlgorithm
        case wrongVersion
        case wrongSignedHeaders
        case expiresOutOfRange
        case malformedDate
        case malformedCredential
        case scopeDateMismatch
        case wrongService(String)
        case wrongRegion(String)
        case malformedSignature
        case emptySessionToken
        case signatureMismatch
        case expired(secondsAgo: Int64)
        case notYetValid(secondsEarly: Int64)
        case missingDate
        case skewed(seconds: Int64)
        case missingSignedHeader(String)
        case hostNotSigned
        case payloadHashMismatch
        case malformedPayloadHash

        public var description: String {
            switch self {
            case .headerTooLong(let bytes): "authorization header of \(bytes) bytes is over the limit"
            case .wrongScheme: "authorization scheme is not the expected one"
            case .missingTokenPrefix: "token lacks the expected prefix"
            case .badBase64: "token is not strict padded base64"
            case .notPrintableASCII: "decoded token is not printable ASCII"
            case .wrongHostOrPath: "decoded token does not start with the expected host and path"
            case .malformedParameter: "a query parameter has no '='"
            case .unknownParameter: "an unknown query parameter is present"
            case .missingParameter(let name): "parameter \(name) is missing"
            case .repeatedParameter(let name): "parameter \(name) is repeated"
            case .wrongAction: "Action is not CallWithBearerToken"
            case .wrongAlgorithm: "algorithm is not AWS4-HMAC-SHA256"
            case .wrongVersion: "Version is not 1"
            case .wrongSignedHeaders: "signed headers are not exactly host"
            case .expiresOutOfRange: "X-Amz-Expires is not an integer in 1...43200"
            case .malformedDate: "signing date is malformed"
            case .malformedCredential: "credential or its scope is malformed"
            case .scopeDateMismatch: "credential scope date differs from the signing date"
            case .wrongService(let service): "credential scope service \(service) is not the expected one"
            case .wrongRegion(let region): "credential scope region \(region) is not the expected one"
            case .malformedSignature: "signature is not 64 lower-case hex digits"
            case .emptySessionToken: "session token is empty"
            case .signatureMismatch: "signature does not match"
            case .expired(let seconds): "expired \(seconds) s ago"
            case .notYetValid(let seconds): "valid only in \(seconds) s"
            case .missingDate: "neither X-Amz-Date nor Date is present and well-formed"
            case .skewed(let seconds): "signing time is \(seconds) s from now, over the allowed skew"
            case .missingSignedHeader(let name): "signed header \(name) is absent from the request"
            case .hostNotSigned: "host is not among the signed headers"
            case .payloadHashMismatch: "X-Amz-Content-Sha256 does not match the body"
            case .malformedPayloadHash: "X-Amz-Content-Sha256 is not a SHA-256 hex digest"
            }
        }
    }
}
