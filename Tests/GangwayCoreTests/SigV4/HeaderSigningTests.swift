import Foundation
@testable import GangwayCore
import Testing

@Suite("SigV4 header signing against botocore")
struct HeaderSigningTests {
    @Test("the signer produces botocore's Authorization header", arguments: SigV4Vectors.headerSigned)
    func signerMatches(_ vector: HeaderSigningVector) {
        let signed = vector.signer.sign(vector.request(headers: vector.signerInput), now: vector.date)
        #expect(signed.values(forHeader: "authorization") == [vector.authorization])
        if vector.canonicalRequest != nil {
            // Hand-built requests: every header, order included, is what botocore leaves behind.
            #expect(signed.headers.map { "\($0.name): \($0.value)" } == vector.wireHeaders.map { "\($0.0): \($0.1)" })
        }
    }

    @Test("the verifier accepts the request as it arrives", arguments: SigV4Vectors.headerSigned)
    func verifierAccepts(_ vector: HeaderSigningVector) throws {
        let auth = try SigV4HeaderAuthentication(request: vector.wireRequest)
        if let canonical = vector.canonicalRequest {
            #expect(auth.canonicalRequest.text == canonical)
        }
        #expect(auth.accessKeyId == vector.accessKeyId)
        #expect(auth.scope == SigV4CredentialScope(dateStamp: SigV4Time.dateStamp(vector.date), region: vector.region, service: vector.service))
        #expect(auth.signedAt == Date(timeIntervalSince1970: vector.now.rounded(.down)))
        #expect(auth.sessionToken?.reveal() == vector.sessionToken)
        #expect(auth.signedHeaders.contains("host"))
        let signature = String(vector.authorization.split(separator: "Signature=")[1])
        for text in ["\(auth)", String(reflecting: auth), "\(vector.wireRequest)", String(reflecting: vector.wireRequest)] {
            #expect(!text.contains(signature))
            if let sessionToken = vector.sessionToken { #expect(!text.contains(sessionToken)) }
        }
        let key = vector.signingKey(for: auth.scope)
        for offset in [0.0, 300, -300, 299.5] {
            try auth.verify(
                signingKey: key, expectedService: vector.service, expectedRegion: vector.region,
                now: auth.signedAt.addingTimeInterval(offset))
        }
    }

    @Test("a request signed by our signer verifies", arguments: SigV4Vectors.headerSigned)
    func roundTrip(_ vector: HeaderSigningVector) throws {
        let signed = vector.signer.sign(vector.request(headers: vector.signerInput), now: vector.date)
        let auth = try SigV4HeaderAuthentication(request: signed)
        try auth.verify(
            signingKey: vector.signingKey(for: auth.scope), expectedService: vector.service,
            expectedRegion: vector.region, now: vector.date)
    }

    @Test("tampered requests are refused", arguments: SigV4Vectors.headerSigned)
    func tampering(_ vector: HeaderSigningVector) throws {
        let scope = SigV4CredentialScope(dateStamp: SigV4Time.dateStamp(vector.date), region: vector.region, service: vector.service)
        let now = vector.date

        func failure(_ request: SigV4Request, key: SigV4SigningKey? = nil, service: String? = nil, region: String? = nil,
                     at instant: Date? = nil) -> SigV4Failure? {
            do {
                let auth = try SigV4HeaderAuthentication(request: request)
                try auth.verify(
                    signingKey: key ?? vector.signingKey(for: scope), expectedService: service ?? vector.service,
                    expectedRegion: region ?? vector.region, now: instant ?? now)
                return nil
            } catch {
                return error
            }
        }

        var body = vector.wireRequest
        body.payload = .bytes(Array((vector.body + " ").utf8))
        let bodyFailure = failure(body)
        #expect(bodyFailure?.category == .signatureDoesNotMatch)
        #expect(bodyFailure?.reason == .signatureMismatch || bodyFailure?.reason == .payloadHashMismatch)

        var path = vector.wireRequest
        path.rawPath += "x"
        #expect(failure(path) == SigV4Failure(.signatureDoesNotMatch, .signatureMismatch))

        var query = vector.wireRequest
        query.rawQuery += query.rawQuery.isEmpty ? "extra=1" : "&extra=1"
        #expect(failure(query) == SigV4Failure(.signatureDoesNotMatch, .signatureMismatch))

        var method = vector.wireRequest
        method.method = method.method == "GET" ? "POST" : "GET"
        #expect(failure(method) == SigV4Failure(.signatureDoesNotMatch, .signatureMismatch))

        var host = vector.wireRequest
        host.headers = host.headers.map { $0.name.lowercased() == "host" ? (name: $0.name, value: "evil.test") : $0 }
        #expect(failure(host) == SigV4Failure(.signatureDoesNotMatch, .signatureMismatch))

        var noHost = vector.wireRequest
        noHost.headers.removeAll { $0.name.lowercased() == "host" }
        #expect(failure(noHost) == SigV4Failure(.signatureDoesNotMatch, .missingSignedHeader("host")))

        var twoAuthorizations = vector.wireRequest
        twoAuthorizations.headers.append((name: "authorization", value: vector.authorization))
        #expect(failure(twoAuthorizations)?.category == .incompleteSignature)

        #expect(failure(vector.wireRequest, key: vector.signingKey(for: scope, secret: vector.secretAccessKey + "x"))
            == SigV4Failure(.signatureDoesNotMatch, .signatureMismatch))
        #expect(failure(vector.wireRequest, region: "xx-nowhere-1")
            == SigV4Failure(.signatureDoesNotMatch, .wrongRegion(vector.region)))
        #expect(failure(vector.wireRequest, service: "s3")
            == SigV4Failure(.signatureDoesNotMatch, .wrongService(vector.service)))
        let signedAt = Date(timeIntervalSince1970: vector.now.rounded(.down))
        #expect(failure(vector.wireRequest, at: signedAt.addingTimeInterval(301))
            == SigV4Failure(.requestExpired, .skewed(seconds: 301)))
        #expect(failure(vector.wireRequest, at: signedAt.addingTimeInterval(-301))
            == SigV4Failure(.requestExpired, .skewed(seconds: -301)))
    }

    @Test("an unsigned payload is refused even when signed for")
    func unsignedPayload() {
        let signer = SigV4Signer(accessKeyId: "AKID", secretAccessKey: Secret("secret"), region: "us-east-1", service: "sagemaker")
        let request = SigV4Request(
            method: "POST", rawPath: "/", headers: [("Host", "h"), ("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")],
            payload: .bytes([1, 2, 3]))
        let signed = signer.sign(request, now: Date(timeIntervalSince1970: 1_714_979_289))
        #expect(throws: SigV4Failure(.incompleteSignature, .malformedPayloadHash)) {
            _ = try SigV4HeaderAuthentication(request: signed)
        }
    }

    @Test("a precomputed body hash verifies like the body itself")
    func precomputedHash() throws {
        let vector = SigV4Vectors.headerSigned[0]
        var request = vector.wireRequest
        request.payload = .sha256Hex("f501139a249d6c50826fb24ea29220a9e1c84e491842c0301984046984fb6155")
        let auth = try SigV4HeaderAuthentication(request: request)
        try auth.verify(
            signingKey: vector.signingKey(for: auth.scope), expectedService: vector.service, expectedRegion: vector.region,
            now: vector.date)
    }

    @Test("a request that does not sign host is refused")
    func hostNotSigned() {
        let signer = SigV4Signer(accessKeyId: "AKID", secretAccessKey: Secret("secret"), region: "us-east-1", service: "sagemaker")
        let signed = signer.sign(
            SigV4Request(method: "GET", rawPath: "/", headers: [], payload: .empty), now: Date(timeIntervalSince1970: 0))
        #expect(throws: SigV4Failure(.incompleteSignature, .hostNotSigned)) {
            _ = try SigV4HeaderAuthentication(request: signed)
        }
    }

    @Test("malformed Authorization headers are refused before any key is needed", arguments: MalformedAuthorization.all)
    func malformed(_ testCase: MalformedAuthorization) {
        let request = SigV4Request(
            method: "GET", rawPath: "/",
            headers: [("Host", "h"), ("X-Amz-Date", testCase.amzDate), ("Authorization", testCase.header)],
            payload: .empty)
        #expect(throws: testCase.expected) {
            _ = try SigV4HeaderAuthentication(request: request)
        }
    }
}

struct MalformedAuthorization: Sendable, CustomTestStringConvertible {
    var name: String
    var header: String
    var amzDate = "20240506T070809Z"
    var expected: SigV4Failure

    var testDescription: String { name }

    static let signature = String(repeating: "ab", count: 32)
    static let good = "AWS4-HMAC-SHA256 Credential=AKID/20240506/us-east-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=\(signature)"

    static let all: [MalformedAuthorization] = [
        .init(name: "other algorithm", header: good.replacingOccurrences(of: "HMAC-SHA256", with: "HMAC-SHA1"),
              expected: SigV4Failure(.incompleteSignature, .wrongAlgorithm)),
        .init(name: "no components", header: "AWS4-HMAC-SHA256 ", expected: SigV4Failure(.incompleteSignature, .malformedParameter)),
        .init(name: "missing Signature", header: "AWS4-HMAC-SHA256 Credential=AKID/20240506/us-east-1/sagemaker/aws4_request, SignedHeaders=host",
              expected: SigV4Failure(.incompleteSignature, .missingParameter("Signature"))),
        .init(name: "repeated Credential",
              header: good + ", Credential=AKID/20240506/us-east-1/sagemaker/aws4_request",
              expected: SigV4Failure(.incompleteSignature, .repeatedParameter("Credential"))),
        .init(name: "unknown component", header: good + ", Extra=1", expected: SigV4Failure(.incompleteSignature, .unknownParameter)),
        .init(name: "short scope", header: good.replacingOccurrences(of: "/sagemaker/aws4_request", with: "/aws4_request"),
              expected: SigV4Failure(.incompleteSignature, .malformedCredential)),
        .init(name: "wrong terminator", header: good.replacingOccurrences(of: "aws4_request", with: "aws4_requesx"),
              expected: SigV4Failure(.incompleteSignature, .malformedCredential)),
        .init(name: "impossible scope date", header: good.replacingOccurrences(of: "/20240506/", with: "/20240231/"),
              expected: SigV4Failure(.incompleteSignature, .malformedCredential)),
        .init(name: "upper-case signature", header: good.replacingOccurrences(of: signature, with: signature.uppercased()),
              expected: SigV4Failure(.incompleteSignature, .malformedSignature)),
        .init(name: "short signature", header: good.replacingOccurrences(of: signature, with: "abcd"),
              expected: SigV4Failure(.incompleteSignature, .malformedSignature)),
        .init(name: "upper-case signed header", header: good.replacingOccurrences(of: "host;x-amz-date", with: "Host;x-amz-date"),
              expected: SigV4Failure(.incompleteSignature, .wrongSignedHeaders)),
        .init(name: "empty signed header", header: good.replacingOccurrences(of: "host;x-amz-date", with: "host;;x-amz-date"),
              expected: SigV4Failure(.incompleteSignature, .wrongSignedHeaders)),
        .init(name: "duplicate signed header", header: good.replacingOccurrences(of: "host;x-amz-date", with: "host;host"),
              expected: SigV4Failure(.incompleteSignature, .wrongSignedHeaders)),
        .init(name: "host not signed", header: good.replacingOccurrences(of: "host;x-amz-date", with: "x-amz-date"),
              expected: SigV4Failure(.incompleteSignature, .hostNotSigned)),
        .init(name: "malformed X-Amz-Date", header: good, amzDate: "2024-05-06T07:08:09Z",
              expected: SigV4Failure(.incompleteSignature, .malformedDate)),
        .init(name: "scope date differs from X-Amz-Date", header: good, amzDate: "20240507T000000Z",
              expected: SigV4Failure(.signatureDoesNotMatch, .scopeDateMismatch)),
        .init(name: "over 16 KiB", header: good + String(repeating: " ", count: 16 * 1024),
              expected: SigV4Failure(.incompleteSignature, .headerTooLong(bytes: good.utf8.count + 16 * 1024))),
    ]
}
