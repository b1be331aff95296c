public import Foundation
public import HTTPTypes
import Hummingbird
public import NIOCore
import NIOHTTP1
import GangwayCore
public import GangwayStore
import Synchronization

/// What authentication needs to know about an incoming request. Nothing is copied up front:
/// a bearer token needs only the `Authorization` header; the header list and the body's hash
/// are made only for a SigV4 signature.
public struct AuthenticationRequest: Sendable {
    /// The headers as they came: HTTPTypes' from the router (`Host` as the authority), or NIO's
    /// HTTP/1 headers from the OpenAI paths, served below the router. Neither is converted to
    /// the other: a bearer token needs only the Authorization header.
    private enum Headers: Sendable {
        case fields(HTTPFields, authority: String?)
        case http1(HTTPHeaders)
        /// Read as bytes on the OpenAI paths' fast path.
        case raw(ClientRequestHead)
    }

    /// The request target as sent, or already split into its path and query (the router's).
    private enum Target: Sendable {
        case split(path: String, query: String)
        case whole(String)
    }

    public var method: String
    public var body: ByteBuffer
    private var headers: Headers
    private var target: Target

    /// The path as sent, without the query; cut from the target only when a signature needs it.
    public var rawPath: String {
        switch target {
        case .split(let path, _): path
        case .whole(let uri): Self.path(of: uri)
        }
    }

    /// A request target's path, without the query.
    static func path(of target: String) -> String {
        String(target[..<(target.utf8.firstIndex(of: UInt8(ascii: "?")) ?? target.endIndex)])
    }

    /// The query without its `?`, empty when there is none.
    public var rawQuery: String {
        switch target {
        case .split(_, let query): query
        case .whole(let uri):
            uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { String(uri[uri.utf8.index(after: $0)...]) } ?? ""
        }
    }

    public init(
        method: String, rawPath: String, rawQuery: String, fields: HTTPFields, authority: String?, body: ByteBuffer
    ) {
        self.method = method
        self.target = .split(path: rawPath, query: rawQuery)
        self.headers = .fields(fields, authority: authority)
        self.body = body
    }

    init(_ request: Request, body: ByteBuffer) {
        self.init(
            method: request.method.rawValue, rawPath: request.uri.path, rawQuery: request.uri.query ?? "",
            fields: request.headers, authority: request.head.authority, body: body)
    }

    /// From NIO's HTTP/1 head (`Host` among the headers) and its request target as sent.
    init(method: String, target: String, headers: HTTPHeaders, body: ByteBuffer) {
        self.method = method
        self.target = .whole(target)
        self.headers = .http1(headers)
        self.body = body
    }

    /// A head read as bytes, its target as sent.
    init(_ head: ClientRequestHead, body: ByteBuffer) {
        self.method = head.method.rawValue
        self.target = .whole(head.target)
        self.headers = .raw(head)
        self.body = body
    }

    /// The `Authorization` header when there is exactly one; `.none` or `.several` otherwise.
    var authorization: SoleHeader {
        switch headers {
        case .fields(let fields, _): SoleHeader(fields[values: .authorization])
        case .http1(let headers): SoleHeader(headers["authorization"])
        case .raw(let head): head.soleValue("authorization")
        }
    }

    /// The headers as the client sent them, `Host` included, for the canonical request.
    var signableHeaders: [(name: String, value: String)] {
        switch headers {
        case .fields(let fields, let authority):
            var headers = fields.map { (name: $0.name.rawName, value: $0.value) }
            if let authority { headers.append((name: "host", value: authority)) }
            return headers
        case .http1(let headers):
            return headers.map { (name: $0.name, value: $0.value) }
        case .raw(let head):
            return head.pairs
        }
    }
}

/// Verifies bearer tokens and SigV4 header signatures against the identity store.
///
/// Verification is cached two ways so a request costs microseconds: derived signing keys by
/// (access key, scope), and verified tokens by the header value until they expire. The key's
/// status is looked up on every request (the store caches it and clears the cache on every
/// write), so a deactivated or deleted key fails at once, cached token or not.
public final class Authenticator: Sendable {
    let store: any IdentityStore
    let region: String
    private let signingKeys = Mutex<[String: SigV4SigningKey]>([:])
    private let verifiedTokens = Mutex<[VerifiedTokenKey: BearerToken]>([:])
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
        let presented = try present(request, service: service, acceptBearer: acceptBearer, now: now)
        let credential: AccessKeyCredential?
        do {
            credential = try await store.credential(forAccessKeyID: presented.accessKeyID)
        } catch {
            throw AuthenticationError(
                kind: .invalidToken, publicMessage: "The credentials could not be checked; try again.",
                logReason: "store lookup failed: \(error)")
        }
        return try verify(presented, credential: credential, now: now)
    }

    /// The same answer as ``authenticate(_:service:acceptBearer:now:)`` without waiting, when
    /// the store holds the key in memory (the usual case); `nil` when the storage must be read.
    public func authenticateFromMemory(
        _ request: AuthenticationRequest, service: String, now: Date = Date()
    ) -> Result<CallerIdentity, AuthenticationError>? {
        let presented: PresentedCredentials
        do {
            presented = try present(request, service: service, acceptBearer: true, now: now)
        } catch {
            return .failure(error)
        }
        guard let credential = store.credentialInMemory(forAccessKeyID: presented.accessKeyID) else { return nil }
        do {
            return .success(try verify(presented, credential: credential, now: now))
        } catch {
            return .failure(error)
        }
    }

    /// A request's credentials, checked as far as they can be without the key's secret.
    enum PresentedCredentials {
        /// `verified` when this very token was verified before and has not expired.
        case bearer(BearerToken, key: VerifiedTokenKey, verified: Bool)
        case sigV4(SigV4HeaderAuthentication, service: String)

        var accessKeyID: String {
            switch self {
            case .bearer(let token, _, _): token.accessKeyId
            case .sigV4(let signed, _): signed.accessKeyId
            }
        }
    }

    private func present(
        _ request: AuthenticationRequest, service: String, acceptBearer: Bool, now: Date
    ) throws(AuthenticationError) -> PresentedCredentials {
        let authorization = request.authorization
        guard case .one(let header) = authorization, !header.isEmpty else {
            if case .several = authorization {
                throw AuthenticationError(
                    kind: .invalidToken, publicMessage: "The request carries more than one Authorization header.",
                    logReason: "repeated Authorization header")
            }
            throw AuthenticationError(
                kind: .missing,
                publicMessage: "The request has no credentials: send 'Authorization: Bearer <token>' or sign it with SigV4.",
                logReason: "no Authorization header")
        }
        if acceptBearer, BearerToken.isBearerAuthorization(header) {
            return try presentBearer(header, now: now)
        }
        if SigV4HeaderAuthentication.isSigV4Authorization(header) {
            do {
                let signed = try SigV4HeaderAuthentication(
                    request: SigV4Request(
                        method: request.method, rawPath: request.rawPath, rawQuery: request.rawQuery,
                        headers: request.signableHeaders,
                        payload: request.body.withUnsafeReadableBytes { SigV4Payload.hashing($0) }))
                try signed.checkScope(expectedService: service, expectedRegion: signingRegion(for: service))
                return .sigV4(signed, service: service)
            } catch {
                throw Self.error(error)
            }
        }
        throw AuthenticationError(
            kind: .invalidToken,
            publicMessage: acceptBearer
                ? "Unsupported Authorization scheme: use 'Bearer <token>' or AWS4-HMAC-SHA256."
                : "Unsupported Authorization scheme: sign the request with AWS4-HMAC-SHA256.",
            logReason: "unsupported authorization scheme")
    }

    private func presentBearer(_ header: String, now: Date) throws(AuthenticationError) -> PresentedCredentials {
        let key = VerifiedTokenKey(header)
        if let cached = verifiedTokens.withLock({ $0[key] }) {
            do {
                try cached.checkValidity(now: now)
            } catch {
                verifiedTokens.withLock { _ = $0.removeValue(forKey: key) }
                throw Self.error(error)
            }
            return .bearer(cached, key: key, verified: true)
        }
        do {
            let parsed = try BearerToken(authorizationHeader: header)
            try parsed.checkRegion(region)
            return .bearer(parsed, key: key, verified: false)
        } catch {
            throw Self.error(error)
        }
    }

    /// Checks the key (known, active) and, unless already done for this token, the signature.
    private func verify(
        _ presented: PresentedCredentials, credential found: AccessKeyCredential?, now: Date
    ) throws(AuthenticationError) -> CallerIdentity {
        let context = if case .bearer = presented { "bearer token" } else { "signed request" }
        let accessKeyID = presented.accessKeyID
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
        switch presented {
        case .bearer(let token, let key, let verified):
            if !verified {
                do {
                    try token.verify(
                        signingKey: signingKey(for: credential, scope: token.scope), expectedRegion: region, now: now)
                } catch {
                    throw Self.error(error)
                }
                remember(token, key: key, now: now)
            }
            return CallerIdentity(
                credential: credential, method: .bearerToken, issuedAt: token.issuedAt, tokenExpiresAt: token.expiresAt)
        case .sigV4(let signed, let service):
            do {
                try signed.verify(
                    signingKey: signingKey(for: credential, scope: signed.scope), expectedService: service,
                    expectedRegion: signingRegion(for: service), now: now)
            } catch {
                throw Self.error(error)
            }
            return CallerIdentity(credential: credential, method: .sigV4Header, issuedAt: signed.signedAt)
        }
    }

    private func remember(_ token: BearerToken, key: VerifiedTokenKey, now: Date) {
        verifiedTokens.withLock { cache in
            if cache.count >= Self.cacheLimit {
                cache = cache.filter { $0.value.expiresAt > now }
                if cache.count >= Self.cacheLimit { cache.removeAll() }
            }
            cache[key] = token
        }
    }

    /// IAM is a global service: AWS clients sign its calls for us-east-1 whatever the region.
    private func signingRegion(for service: String) -> String {
        service == "iam" ? "us-east-1" : region
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

/// A verified token's `Authorization` value as a cache key. Only its last bytes are hashed (they
/// encode the signature, which differs between any two tokens); equality compares it whole, so
/// a token is found only by the very same token. Keeping the value holds no more than the cache
/// already held: a token's signature is the credential.
struct VerifiedTokenKey: Hashable, Sendable {
    let header: String

    init(_ header: String) {
        self.header = header
    }

    func hash(into hasher: inout Hasher) {
        var header = header
        header.withUTF8 { bytes in
            hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes.suffix(64))))
        }
    }
}
