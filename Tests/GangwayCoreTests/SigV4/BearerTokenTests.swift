import Foundation
import GangwayCore
import Testing

@Suite("Bearer tokens against sagemaker-core's generate_token")
struct BearerTokenTests {
    @Test("generation is byte-identical to the SDK", arguments: SigV4Vectors.bearerTokens)
    func generation(_ vector: BearerTokenVector) {
        let token = BearerToken.generate(
            accessKeyId: vector.accessKeyId, secretAccessKey: Secret(vector.secretAccessKey),
            sessionToken: vector.sessionToken.map(Secret.init), region: vector.region, issuedAt: vector.issuedDate,
            expiresInSeconds: vector.expiresInSeconds)
        #expect(token.reveal() == vector.token)
        let signer = SigV4Signer(
            accessKeyId: vector.accessKeyId, secretAccessKey: Secret(vector.secretAccessKey),
            sessionToken: vector.sessionToken.map(Secret.init), region: vector.region, service: "ignored")
        #expect(signer.bearerToken(issuedAt: vector.issuedDate, expiresInSeconds: vector.expiresInSeconds).reveal() == vector.token)
    }

    @Test("parsing exposes the fields the server needs", arguments: SigV4Vectors.bearerTokens)
    func parsing(_ vector: BearerTokenVector) throws {
        let token = try BearerToken(authorizationHeader: "Bearer \(vector.token)")
        #expect(token.accessKeyId == vector.accessKeyId)
        #expect(token.scope == SigV4CredentialScope(dateStamp: SigV4Time.dateStamp(vector.issuedDate), region: vector.region, service: "sagemaker"))
        #expect(token.issuedAt == vector.signedDate)
        #expect(token.expiresInSeconds == vector.expiresInSeconds)
        #expect(token.expiresAt == vector.signedDate.addingTimeInterval(TimeInterval(vector.expiresInSeconds)))
        #expect(token.sessionToken?.reveal() == vector.sessionToken)
        #expect(try BearerToken(token: vector.token).accessKeyId == vector.accessKeyId)
        #expect(try BearerToken(authorizationHeader: "bearer \(vector.token)").accessKeyId == vector.accessKeyId)
        // Printing a parsed token shows neither its signature nor its session token.
        let signature = String(BadToken.decode(vector.token).split(separator: "X-Amz-Signature=")[1].prefix(64))
        for text in ["\(token)", String(reflecting: token)] {
            #expect(text.contains(vector.accessKeyId))
            #expect(!text.contains(signature))
            if let sessionToken = vector.sessionToken { #expect(!text.contains(sessionToken)) }
        }
    }

    @Test("verification accepts the whole validity window, edges included", arguments: SigV4Vectors.bearerTokens)
    func window(_ vector: BearerTokenVector) throws {
        let token = try BearerToken(token: vector.token)
        let key = vector.signingKey()
        for now in [
            vector.signedDate, vector.signedDate.addingTimeInterval(-300),
            vector.signedDate.addingTimeInterval(TimeInterval(vector.expiresInSeconds)),
        ] {
            try token.verify(signingKey: key, expectedRegion: vector.region, now: now)
        }
    }

    @Test("verification refuses the wrong key, region and times", arguments: SigV4Vectors.bearerTokens)
    func refusals(_ vector: BearerTokenVector) throws {
        let token = try BearerToken(token: vector.token)
        let key = vector.signingKey()
        let expiry = vector.signedDate.addingTimeInterval(TimeInterval(vector.expiresInSeconds))
        #expect(throws: SigV4Failure(.invalidToken, .signatureMismatch)) {
            try token.verify(signingKey: vector.signingKey(secret: "not the secret"), expectedRegion: vector.region, now: vector.signedDate)
        }
        #expect(throws: SigV4Failure(.invalidToken, .wrongRegion(vector.region))) {
            try token.verify(signingKey: key, expectedRegion: "xx-nowhere-1", now: vector.signedDate)
        }
        #expect(throws: SigV4Failure(.tokenExpired, .expired(secondsAgo: 1))) {
            try token.verify(signingKey: key, expectedRegion: vector.region, now: expiry.addingTimeInterval(1))
        }
        #expect(throws: SigV4Failure(.tokenNotYetValid, .notYetValid(secondsEarly: 1))) {
            try token.verify(signingKey: key, expectedRegion: vector.region, now: vector.signedDate.addingTimeInterval(-301))
        }
    }

    @Test("a token whose signed fields are altered no longer verifies", arguments: SigV4Vectors.bearerTokens)
    func alteredFields(_ vector: BearerTokenVector) throws {
        let url = BadToken.decode(vector.token)
        let key = vector.signingKey()
        let longer = vector.expiresInSeconds == 43_200 ? "43199" : String(vector.expiresInSeconds + 1)
        let altered = [
            url.replacingOccurrences(of: "X-Amz-Expires=\(vector.expiresInSeconds)&", with: "X-Amz-Expires=\(longer)&"),
            url.replacingOccurrences(of: "X-Amz-Credential=\(vector.accessKeyId)", with: "X-Amz-Credential=\(vector.accessKeyId)X"),
            url.replacingOccurrences(of: "X-Amz-Date=", with: "Action=CallWithBearerToken&X-Amz-Date=")
                .replacingOccurrences(of: "?Action=CallWithBearerToken&", with: "?X-Amz-Algorithm=AWS4-HMAC-SHA256&")
                .replacingOccurrences(of: "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential", with: "&X-Amz-Credential"),
        ]
        #expect(altered.allSatisfy { $0 != url })
        for (index, text) in altered.enumerated() {
            let token = try BearerToken(token: BadToken.encode(text))
            if index < 2 {
                #expect(throws: SigV4Failure(.invalidToken, .signatureMismatch)) {
                    try token.verify(signingKey: key, expectedRegion: vector.region, now: vector.signedDate)
                }
            } else {
                // Parameter order is not signed (the canonical query is sorted), so a reordering verifies.
                try token.verify(signingKey: key, expectedRegion: vector.region, now: vector.signedDate)
            }
        }
        // Version is appended after signing, so moving it is harmless too.
        let moved = url.replacingOccurrences(of: "&Version=1", with: "")
            .replacingOccurrences(of: "?Action=", with: "?Version=1&Action=")
        try BearerToken(token: BadToken.encode(moved)).verify(signingKey: key, expectedRegion: vector.region, now: vector.signedDate)
    }

    @Test("malformed tokens fail with the expected category and reason", arguments: BadToken.all)
    func malformed(_ testCase: BadToken) {
        #expect(throws: testCase.expected) {
            _ = try BearerToken(authorizationHeader: testCase.header)
        }
    }

    @Test("failures never echo the token, its signature or the secret", arguments: BadToken.all)
    func noLeaks(_ testCase: BadToken) {
        let vector = SigV4Vectors.bearerTokens[0]
        let signature = String(BadToken.decode(vector.token).split(separator: "X-Amz-Signature=")[1].prefix(64))
        do {
            _ = try BearerToken(authorizationHeader: testCase.header)
            Issue.record("expected a failure")
        } catch {
            for text in [error.description, error.publicMessage, String(reflecting: error)] {
                #expect(!text.contains(vector.secretAccessKey))
                #expect(!text.contains(signature))
                #expect(!text.contains("sagemaker-api-key-"))
                #expect(!text.contains(String(testCase.header.suffix(24))))
            }
            // The public message names only the category, never the check.
            #expect(error.publicMessage == SigV4Failure(error.category, .signatureMismatch).publicMessage)
        }
    }

    @Test(
        "the Bearer scheme is recognised in any letter case, and only it",
        arguments: [
            ("Bearer abc", true), ("bearer abc", true), ("BEARER", true), ("Bearer", true),
            ("Bear", false), ("", false), ("AWS4-HMAC-SHA256 Credential=x", false), ("Basic abc", false),
        ])
    func scheme(header: String, expected: Bool) {
        #expect(BearerToken.isBearerAuthorization(header) == expected)
    }
}
