import Crypto
public import Foundation
public import HTTPTypes
import Hummingbird
public import NIOCore
import GangwayCore
public import GangwayStore
import Synchronization

/// What authentication needs to know about an incoming request. Nothing is copied up front:
/// a bearer token needs only the `Authorization` header; the header list and the body's hash
/// are made only for a SigV4 signature.
public struct AuthenticationRequest: Sendable {
    public var method: String
    public var rawPath: String
    public var rawQuery: String
    public var fields: HTTPFields
    /// HTTP/1 `Host`, which HTTPTypes carries as the `:authority` pseudo-header.
    public var authority: String?
    public var body: ByteBuffer

    public init(
        method: String, rawPath: String, rawQuery: String, fields: HTTPFields, authority: String?, body: ByteBuffer
    ) {
        self.method = method
        self.rawPath = rawPath
        self.rawQuery = rawQuery
        self.fields = fields
        self.authority = authority
        self.body = body
    }

    init(_ request: Request, body: ByteBuffer) {
        self.init(
            method: request.method.rawValue, rawPath: request.uri.path, rawQuery: request.uri.query ?? "",
            fields: request.headers, authority: request.head.authority, body: body)
    }

    /// The headers as the client sent them, `Host` included, for the canonical request.
    var signableHeaders: [(name: String, value: String)] {
        var headers = fields.map { (name: $0.name.rawName, value: $0.value) }
        if let authority { headers.append((name: "host", value: authority)) }
        return headers
    }
}

/// Verifies bearer tokens and SigV4 header signatures against the identity store.
///
/// Verification is cached two ways so a request costs microseconds: derived signing keys by
/// (access key, scope), and verified tokens by the SHA-256 of the header value until they
/// expire. The key's status is looked up on every request (the store caches it and clears the
/// cache on every write), so a deactivated or deleted key fails at once, cached token or not.
public final class Authenticator: Sendable {
    let store: any IdentityStore
    let region: String
    private let signingKeys = Mutex<[String: SigV4SigningKey]>([:])
    private let verifiedTokens = Mutex<[[UInt8]: BearerToken]>([:])
    static let cacheLimit = 50_000

    public init(store: any IdentityStore, region: String) {
        self.store = store
        self.region = region
    }

    /// Authenticates a request. `service` is the SigV4 service a header signature must name
    /// (`sagemaker` on runtime paths, `iam` or `sts` on the admin API); bearer tokens are
    /// accepted only when `acceptBearer` is set.
    public func authenticate(
        _ request: AuthenticationRequest, service: String, acceptBearer: Bool = true, now: Date = Date()
    ) async throws(AuthenticationError) -> CallerIdentity {
        let authorizations = request.fields[values: .authorization]
        guard authorizations.count == 1, let header = authorizations.first, !header.isEmpty else {
            if authorizations.count > 1 {
                throw AuthenticationError(
                    kind: .invalidToken, publicMessage: "The request carries more than one Authorization header.",
                    logReason: "repeated Authorization header")
            }
            throw AuthenticationError(
                kind: .missing,
                publicMessage: "The request has no credentials: send 'Authorization: Bearer <token>' or sign it with SigV4.",
                logReason: "no Authorization header")
        }
        if acceptBearer, header.lowercased().hasPrefix("bearer") {
            return try await authenticateBearer(header, now: now)
        }
        if SigV4HeaderAuthentication.isSigV4Authorization(header) {
            return try await authenticateSigV4(request, service: service, now: now)
        }
        throw AuthenticationError(
            kind: .invalidToken,
            publicMessage: acceptBearer
                ? "Unsupported Authorization scheme: use 'Bearer <token>' or AWS4-HMAC-SHA256."
                : "Unsupported Authorization scheme: sign the request with AWS4-HMAC-SHA256.",
            logReason: "unsupported authorization scheme")
    }

    private func authenticateBearer(_ header: String, now: Date) async throws(AuthenticationError) -> CallerIdentity {
        let digest = SHA256.hash(data: Array(header.utf8)).withUnsafeBytes { Array($0) }
        let token: BearerToken
        if let cached = verifiedTokens.withLock({ $0[digest] }) {
            do {
                try cached.checkValidity(now: now)
            } catch {
                verifiedTokens.withLock { _ = $0.removeValue(forKey: digest) }
                throw Self.error(error)
            }
            token = cached
        } else {
            let parsed: BearerToken
            do {
                parsed = try BearerToken(authorizationHeader: header)
                try parsed.checkRegion(region)
            } catch {
                throw Self.error(error)
            }
            token = parsed
        }
        let credential = try await activeCredential(token.accessKeyId, context: "bearer token")
        if !verifiedTokens.withLock({ $0[digest] != nil }) {
            let key = signingKey(for: credential, scope: token.scope)
            do {
                try token.verify(signingKey: key, expectedRegion: region, now: now)
            } catch {
                throw Self.error(error)
            }
            verifiedTokens.withLock { cache in
                if cache.count >= Self.cacheLimit {
                    cache = cache.filter { $0.value.expiresAt > now }
                    if cache.count >= Self.cacheLimit { cache.removeAll() }
                }
                cache[digest] = token
            }
        }
        return CallerIdentity(
            user: credential.user, accessKeyID: credential.accessKeyID, policies: credential.policies, method: .bearerToken,
            issuedAt: token.issuedAt)
    }

    private func authenticateSigV4(
        _ request: AuthenticationRequest, service: String, now: Date
    ) async throws(AuthenticationError) -> CallerIdentity {
        let signed: SigV4HeaderAuthentication
        do {
            signed = try SigV4HeaderAuthentication(
                request: SigV4Request(
                    method: request.method, rawPath: request.rawPath, rawQuery: request.rawQuery,
                    headers: request.signableHeaders,
                    payload: request.body.withUnsafeReadableBytes { SigV4Payload.hashing($0) }))
            try signed.checkScope(expectedService: service, expectedRegion: signingRegion(for: service))
        } catch {
            throw Self.error(error)
        }
        let credential = try await activeCredential(signed.accessKeyId, context: "signed request")
        do {
            try signed.verify(
                signingKey: signingKey(for: credential, scope: signed.scope), expectedService: service,
                expectedRegion: signingRegion(for: service), now: now)
        } catch {
            throw Self.error(error)
        }
        return CallerIdentity(
            user: credential.user, accessKeyID: credential.accessKeyID, policies: credential.policies, method: .sigV4Header,
            issuedAt: signed.signedAt)
    }

    /// IAM is a global service: AWS clients sign its calls for us-east-1 whatever the region.
    private func signingRegion(for service: String) -> String {
        service == "iam" ? "us-east-1" : region
    }

    private func activeCredential(_ accessKeyID: String, context: String) async throws(AuthenticationError)
        -> AccessKeyCredential
    {
        let found: AccessKeyCredential?
        do {
            found = try await store.credential(forAccessKeyID: accessKeyID)
        } catch {
            throw AuthenticationError(
                kind: .invalidToken, publicMessage: "The credentials could not be checked; try again.",
                logReason: "store lookup failed: \(error)")
        }
        guard let credential = found else {
            throw AuthenticationError(
                kind: .unknownAccessKey, publicMessage: "The security token included in the request is invalid.",
                logReason: "\(context) names an unknown access key \(accessKeyID)")
        }
        guard credential.status == .active else {
            throw AuthenticationError(
                kind: .inactiveAccessKey, publicMessage: "The security token included in the request is invalid.",
                logReason: "\(context) uses inactive access key \(accessKeyID)")
        }
        return credential
    }

    private func signingKey(for credential: AccessKeyCredential, scope: SigV4CredentialScope) -> SigV4SigningKey {
        let cacheKey = "\(credential.accessKeyID)/\(scope)"
        if let key = signingKeys.withLock({ $0[cacheKey] }) { return key }
        let key = SigV4SigningKey(secretAccessKey: credential.secret, scope: scope)
        signingKeys.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll() }
            cache[cacheKey] = key
        }
        return key
    }

    static func error(_ failure: SigV4Failure) -> AuthenticationError {
        let kind: AuthenticationError.Kind =
            switch failure.category {
            case .invalidToken: .invalidToken
            case .tokenExpired: .expiredToken
            case .tokenNotYetValid: .tokenNotYetValid
            case .incompleteSignature: .incompleteSignature
            case .signatureDoesNotMatch: .signatureDoesNotMatch
            case .requestExpired: .requestExpired
            }
        return AuthenticationError(kind: kind, publicMessage: failure.publicMessage, logReason: failure.description)
    }
}
