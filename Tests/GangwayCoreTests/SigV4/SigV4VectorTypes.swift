import Foundation
import GangwayCore
import Testing

/// One request signed by botocore, with what it signed and what went on the wire.
struct HeaderSigningVector: Sendable, CustomTestStringConvertible {
    var name: String
    var service: String
    var region: String
    var accessKeyId: String
    var secretAccessKey: String
    var sessionToken: String?
    /// Seconds since 1970 when botocore signed (fractions are dropped by the signer).
    var now: Double
    var method: String
    var rawPath: String
    var rawQuery: String
    var body: String
    /// The headers before signing.
    var signerInput: [(String, String)]
    /// The headers as a server receives them, `Authorization` included.
    var wireHeaders: [(String, String)]
    var authorization: String
    /// botocore's canonical request, for hand-built requests (nil for captured client calls).
    var canonicalRequest: String?

    var testDescription: String { name }
    var date: Date { Date(timeIntervalSince1970: now) }

    var signer: SigV4Signer {
        SigV4Signer(
            accessKeyId: accessKeyId, secretAccessKey: Secret(secretAccessKey), sessionToken: sessionToken.map(Secret.init),
            region: region, service: service)
    }

    func request(headers: [(String, String)]) -> SigV4Request {
        SigV4Request(
            method: method, rawPath: rawPath, rawQuery: rawQuery, headers: headers.map { (name: $0.0, value: $0.1) },
            payload: .bytes(Array(body.utf8)))
    }

    var wireRequest: SigV4Request { request(headers: wireHeaders) }

    func signingKey(for scope: SigV4CredentialScope, secret: String? = nil) -> SigV4SigningKey {
        SigV4SigningKey(secretAccessKey: Secret(secret ?? secretAccessKey), scope: scope)
    }
}

/// One token made by sagemaker-core's `generate_token`.
struct BearerTokenVector: Sendable, CustomTestStringConvertible {
    var name: String
    var region: String
    var accessKeyId: String
    var secretAccessKey: String
    var sessionToken: String?
    var issuedAt: Double
    var expiresInSeconds: Int
    var token: String

    var testDescription: String { name }
    var issuedDate: Date { Date(timeIntervalSince1970: issuedAt) }
    /// The signing time as written in the token: whole seconds.
    var signedDate: Date { Date(timeIntervalSince1970: issuedAt.rounded(.down)) }

    func signingKey(secret: String? = nil) -> SigV4SigningKey {
        let scope = SigV4CredentialScope(dateStamp: SigV4Time.dateStamp(issuedDate), region: region, service: "sagemaker")
        return SigV4SigningKey(secretAccessKey: Secret(secret ?? secretAccessKey), scope: scope)
    }
}
