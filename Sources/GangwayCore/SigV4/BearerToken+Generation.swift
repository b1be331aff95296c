public import Foundation

extension BearerToken {
    /// Makes a token byte-identical to the SageMaker Python SDK's `generate_token` for the same
    /// credentials, region, signing time and lifetime.
    ///
    /// - Precondition: `expiresInSeconds` is in ``expiryRange``.
    public static func generate(
        accessKeyId: String, secretAccessKey: Secret, sessionToken: Secret? = nil, region: String,
        issuedAt: Date, expiresInSeconds: Int = expiryRange.upperBound
    ) -> Secret {
        let scope = SigV4CredentialScope(dateStamp: SigV4Time.dateStamp(issuedAt), region: region, service: service)
        let key = SigV4SigningKey(secretAccessKey: secretAccessKey, scope: scope)
        return generate(
            accessKeyId: accessKeyId, signingKey: key, sessionToken: sessionToken, region: region,
            issuedAt: issuedAt, expiresInSeconds: expiresInSeconds)
    }

    /// The same with a signing key derived earlier; it must belong to the scope of
    /// (`issuedAt`'s UTC day, `region`, `sagemaker`).
    public static func generate(
        accessKeyId: String, signingKey: SigV4SigningKey, sessionToken: Secret? = nil, region: String,
        issuedAt: Date, expiresInSeconds: Int = expiryRange.upperBound
    ) -> Secret {
        precondition(expiryRange.contains(expiresInSeconds), "bearer token lifetime must be 1...43200 seconds")
        let amzDate = SigV4Time.amzDate(issuedAt)
        let scope = SigV4CredentialScope(dateStamp: String(amzDate.prefix(8)), region: region, service: service)
        // Parameter order is botocore's: the operation's own, then the auth ones in a fixed order.
        var query = [
            ("Action", action),
            ("X-Amz-Algorithm", SigV4CanonicalRequest.algorithm),
            ("X-Amz-Credential", "\(accessKeyId)/\(scope)"),
            ("X-Amz-Date", amzDate),
            ("X-Amz-Expires", String(expiresInSeconds)),
            ("X-Amz-SignedHeaders", "host"),
        ]
        if let sessionToken {
            query.append(("X-Amz-Security-Token", sessionToken.reveal()))
        }
        let encoded = query.map { "\($0.0)=\(SigV4Encoding.percentEncode($0.1))" }.joined(separator: "&")
        let canonical = SigV4CanonicalRequest(
            method: "POST", canonicalURI: "/", canonicalQuery: SigV4CanonicalRequest.canonicalQuery(rawQuery: encoded),
            canonicalHeaders: "host:\(host)", signedHeaders: "host", payloadHash: SigV4Encoding.emptyPayloadHash)
        let signature = signingKey.signature(for: canonical.stringToSign(amzDate: amzDate, scope: scope))
        let url = "\(host)/?\(encoded)&X-Amz-Signature=\(signature)&Version=1"
        return Secret(prefix + StrictBase64.encode(Array(url.utf8)))
    }
}
