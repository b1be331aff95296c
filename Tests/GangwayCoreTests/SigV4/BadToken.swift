import Foundation
import GangwayCore
import Testing

/// One malformed bearer token and the failure it must produce, built by editing a real SDK token.
struct BadToken: Sendable, CustomTestStringConvertible {
    var name: String
    var header: String
    var expected: SigV4Failure

    var testDescription: String { name }

    static func decode(_ token: String) -> String {
        let base64 = token.dropFirst("sagemaker-api-key-".count)
        return String(decoding: Data(base64Encoded: String(base64))!, as: UTF8.self)
    }

    static func encode(_ url: String) -> String {
        "sagemaker-api-key-" + Data(url.utf8).base64EncodedString()
    }

    /// The SDK's 12-hour token as a URL: `sagemaker.amazonaws.com/?Action=...&Version=1`.
    static let template = decode(SigV4Vectors.bearerTokens[0].token)

    private static func edit(_ name: String, _ from: String, _ to: String, _ reason: SigV4Failure.Reason) -> BadToken {
        precondition(template.contains(from), "template lacks \(from)")
        let url = template.replacingOccurrences(of: from, with: to)
        return BadToken(name: name, header: "Bearer " + encode(url), expected: SigV4Failure(.invalidToken, reason))
    }

    private static func raw(_ name: String, _ header: String, _ reason: SigV4Failure.Reason) -> BadToken {
        BadToken(name: name, header: header, expected: SigV4Failure(.invalidToken, reason))
    }

    static let all: [BadToken] = {
        let good = encode(template)
        let base64 = String(good.dropFirst("sagemaker-api-key-".count))
        return [
            raw("header over 16 KiB", "Bearer " + good + String(repeating: "A", count: 16 * 1024),
                .headerTooLong(bytes: 7 + good.utf8.count + 16 * 1024)),
            raw("Basic scheme", "Basic " + good, .wrongScheme),
            raw("no scheme", good, .wrongScheme),
            raw("missing prefix", "Bearer " + base64, .missingTokenPrefix),
            raw("other prefix", "Bearer sagemaker-key-" + base64, .missingTokenPrefix),
            raw("base64 with a bad character", "Bearer sagemaker-api-key-" + base64.dropLast(4) + "!!==", .badBase64),
            raw("base64 cut short", "Bearer sagemaker-api-key-" + base64.dropLast(), .badBase64),
            raw("URL-safe base64 alphabet", "Bearer sagemaker-api-key--" + base64.dropFirst(), .badBase64),
            raw("base64 with non-zero padding bits", "Bearer sagemaker-api-key-" + base64 + "Zh==", .badBase64),
            raw("empty token", "Bearer sagemaker-api-key-", .badBase64),
            raw("control character inside", "Bearer " + encode(template + "\n"), .notPrintableASCII),
            raw("non-ASCII inside", "Bearer " + encode(template.replacingOccurrences(of: "Version=1", with: "Version=\u{e9}")),
                .notPrintableASCII),
            edit("other host", "sagemaker.amazonaws.com/?", "sagemaker.example.com/?", .wrongHostOrPath),
            edit("scheme left in", "sagemaker.amazonaws.com/?", "https://sagemaker.amazonaws.com/?", .wrongHostOrPath),
            edit("other path", "sagemaker.amazonaws.com/?", "sagemaker.amazonaws.com/x?", .wrongHostOrPath),
            edit("parameter without =", "&Version=1", "&Version", .malformedParameter),
            edit("empty parameter", "&Version=1", "&&Version=1", .malformedParameter),
            edit("unknown parameter", "&Version=1", "&Version=1&Foo=bar", .unknownParameter),
            edit("lower-case parameter name", "X-Amz-Date=", "x-amz-date=", .unknownParameter),
            edit("repeated Action", "&Version=1", "&Version=1&Action=CallWithBearerToken", .repeatedParameter("Action")),
            edit("repeated signature", "&Version=1", "&X-Amz-Signature=00&Version=1", .repeatedParameter("X-Amz-Signature")),
            edit("missing Version", "&Version=1", "", .missingParameter("Version")),
            edit("missing X-Amz-Date", "X-Amz-Date=20240506T070809Z&", "", .missingParameter("X-Amz-Date")),
            edit("missing signature", "X-Amz-Signature=", "X-Amz-Signaturex=", .unknownParameter),
            edit("wrong action", "Action=CallWithBearerToken", "Action=InvokeEndpoint", .wrongAction),
            edit("wrong version", "Version=1", "Version=2", .wrongVersion),
            edit("wrong algorithm", "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512", .wrongAlgorithm),
            edit("extra signed header", "X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=host%3Bx-amz-date", .wrongSignedHeaders),
            edit("credential without terminator", "%2Faws4_request", "", .malformedCredential),
            edit("credential with wrong terminator", "aws4_request", "aws5_request", .malformedCredential),
            edit("credential with empty key id", "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE", "X-Amz-Credential=", .malformedCredential),
            edit("credential with odd key id", "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE", "X-Amz-Credential=AKIA%2B7", .malformedCredential),
            edit("credential with upper-case region", "us-east-1", "US-EAST-1", .malformedCredential),
            edit("credential date impossible", "%2F20240506%2F", "%2F20240532%2F", .malformedCredential),
            edit("malformed X-Amz-Date", "X-Amz-Date=20240506T070809Z", "X-Amz-Date=20240506T070809", .malformedDate),
            edit("impossible X-Amz-Date", "X-Amz-Date=20240506T070809Z", "X-Amz-Date=20240506T250809Z", .malformedDate),
            edit("scope date differs", "X-Amz-Date=20240506T070809Z", "X-Amz-Date=20240507T070809Z", .scopeDateMismatch),
            edit("service not sagemaker", "%2Fsagemaker%2F", "%2Fsts%2F", .wrongService("sts")),
            edit("expires zero", "X-Amz-Expires=43200", "X-Amz-Expires=0", .expiresOutOfRange),
            edit("expires over 12 hours", "X-Amz-Expires=43200", "X-Amz-Expires=43201", .expiresOutOfRange),
            edit("expires negative", "X-Amz-Expires=43200", "X-Amz-Expires=-5", .expiresOutOfRange),
            edit("expires not a number", "X-Amz-Expires=43200", "X-Amz-Expires=12h", .expiresOutOfRange),
            edit("expires empty", "X-Amz-Expires=43200", "X-Amz-Expires=", .expiresOutOfRange),
            edit("expires huge", "X-Amz-Expires=43200", "X-Amz-Expires=99999999999999999999999", .expiresOutOfRange),
            edit("signature upper-case", "X-Amz-Signature=c", "X-Amz-Signature=C", .malformedSignature),
            edit("signature short", "&Version=1", "0&Version=1", .malformedSignature),
            edit("empty session token", "&X-Amz-Signature", "&X-Amz-Security-Token=&X-Amz-Signature", .emptySessionToken),
        ]
    }()
}
