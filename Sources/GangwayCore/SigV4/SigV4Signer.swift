public import Foundation

/// Signs requests and makes bearer tokens the way botocore does, for tests and the CLI.
public struct SigV4Signer: Sendable {
    /// Headers botocore never signs (hop-by-hop, tracing, `user-agent`): proxies may alter them.
    public static let unsignedHeaders: Set<String> = [
        "baggage", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "traceparent", "tracestate", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    public let accessKeyId: String
    public let sessionToken: Secret?
    public let region: String
    public let service: String
    private let secretAccessKey: Secret

    public init(accessKeyId: String, secretAccessKey: Secret, sessionToken: Secret? = nil, region: String, service: String) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.region = region
        self.service = service
    }

    /// The request with `X-Amz-Date` (or a refreshed `Date`, if it had one), `X-Amz-Security-Token`
    /// and `Authorization` set, signing every header but ``unsignedHeaders``.
    ///
    /// The request must carry a `Host` header: unlike botocore, there is no URL to take it from.
    public func sign(_ request: SigV4Request, now: Date) -> SigV4Request {
        let scope = SigV4CredentialScope(dateStamp: SigV4Time.dateStamp(now), region: region, service: service)
        return sign(request, now: now, signingKey: SigV4SigningKey(secretAccessKey: secretAccessKey, scope: scope))
    }

    /// The same with a key derived earlier for (`now`'s UTC day, ``region``, ``service``).
    public func sign(_ request: SigV4Request, now: Date, signingKey: SigV4SigningKey) -> SigV4Request {
        let amzDate = SigV4Time.amzDate(now)
        let scope = SigV4CredentialScope(dateStamp: String(amzDate.prefix(8)), region: region, service: service)
        var signed = request
        signed.headers.removeAll { Self.named($0.name, "authorization") }
        if signed.headers.contains(where: { Self.named($0.name, "date") }) {
            signed.headers.removeAll { Self.named($0.name, "date") || Self.named($0.name, "x-amz-date") }
            signed.headers.append((name: "Date", value: SigV4Time.httpDate(now)))
        } else {
            signed.headers.removeAll { Self.named($0.name, "x-amz-date") }
            signed.headers.append((name: "X-Amz-Date", value: amzDate))
        }
        if let sessionToken {
            signed.headers.removeAll { Self.named($0.name, "x-amz-security-token") }
            signed.headers.append((name: "X-Amz-Security-Token", value: sessionToken.reveal()))
        }

        var names = Set<String>()
        for header in signed.headers {
            let name = SigV4Encoding.asciiLowercased(header.name)
            if !Self.unsignedHeaders.contains(name) { names.insert(name) }
        }
        let signedNames = names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        guard case .success(let canonicalHeaders) = SigV4CanonicalRequest.canonicalHeaders(
            signedHeaderNames: signedNames, headers: signed.headers)
        else { preconditionFailure("every signed name comes from the header list") }
        let payloadHash = signed.values(forHeader: "x-amz-content-sha256").first ?? signed.payload.hashHex
        let canonical = SigV4CanonicalRequest(
            method: signed.method.uppercased(),
            canonicalURI: SigV4CanonicalRequest.canonicalURI(rawPath: signed.rawPath),
            canonicalQuery: SigV4CanonicalRequest.canonicalQuery(rawQuery: signed.rawQuery),
            canonicalHeaders: canonicalHeaders, signedHeaders: signedNames.joined(separator: ";"),
            payloadHash: payloadHash)
        let signature = signingKey.signature(for: canonical.stringToSign(amzDate: amzDate, scope: scope))
        let credential = SigV4Credential(accessKeyId: accessKeyId, scope: scope)
        signed.headers.append(
            (
                name: "Authorization",
                value: "\(SigV4CanonicalRequest.algorithm) Credential=\(credential.description), "
                    + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
            ))
        return signed
    }

    /// A SageMaker bearer token for these credentials in ``region`` (the service is always `sagemaker`).
    ///
    /// - Precondition: `expiresInSeconds` is in ``BearerToken/expiryRange``.
    public func bearerToken(issuedAt: Date, expiresInSeconds: Int = BearerToken.expiryRange.upperBound) -> Secret {
        BearerToken.generate(
            accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken, region: region,
            issuedAt: issuedAt, expiresInSeconds: expiresInSeconds)
    }

    private static func named(_ name: String, _ lowercased: String) -> Bool {
        name.utf8.count == lowercased.utf8.count && SigV4Encoding.asciiLowercased(name) == lowercased
    }
}
