import AsyncHTTPClient
import Foundation
import GangwayCore
import GangwayMockModel
import GangwayStore
import GangwayTesting
import NIOCore
import Testing

@Suite("Authentication and authorization on the runtime paths", .serialized)
struct AuthTests {
    static func start() async throws -> (MockInstance, GangwayInstance) {
        let mock = try await MockInstance.start()
        let config = try GangwayInstance.config(
            yaml: """
                endpoints:
                  - name: alpha
                    instances: ["\(mock.url)"]
                  - name: beta
                    instances: ["\(mock.url)"]
                  - name: shared
                    inference_components:
                      - { name: general, instances: ["\(mock.url)"] }
                      - { name: private, instances: ["\(mock.url)"] }
                """)
        return (mock, try await GangwayInstance.start(config))
    }

    static func policy(_ statements: String) -> String {
        #"{"Version":"2012-10-17","Statement":["# + statements + "]}"
    }

    static func allow(_ actions: String, _ resources: String) -> String {
        #"{"Effect":"Allow","Action":"# + actions + #","Resource":"# + resources + "}"
    }

    /// A user with one inline policy and an access key.
    static func user(_ name: String, policy: String, in gangway: GangwayInstance) async throws -> NewAccessKey {
        _ = try await gangway.store.createUser(name: name)
        try await gangway.store.putUserPolicy(userName: name, policyName: "p", document: policy)
        return try await gangway.store.createAccessKey(userName: name)
    }

    @Test("bad credentials are a 401 in the OpenAI envelope and never reach the instance")
    func badCredentials() async throws {
        let (mock, gangway) = try await Self.start()
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let url = gangway.openAIBase(endpoint: "alpha") + "/chat/completions"
        let key = gangway.adminKey
        let now = Date()
        func token(expiresIn: Int = 3600, issuedAt: Date = now, region: String = "us-east-1", secret: Secret? = nil) -> String {
            BearerToken.generate(
                accessKeyId: key.metadata.accessKeyID, secretAccessKey: secret ?? key.secretAccessKey, region: region,
                issuedAt: issuedAt, expiresInSeconds: expiresIn
            ).reveal()
        }
        let cases: [(String?, String, String)] = [
            (nil, "missing_credentials", "no credentials"),
            ("Bearer", "invalid_token", "invalid"),
            ("Bearer sagemaker-api-key-!!!", "invalid_token", "invalid"),
            ("Bearer " + token(secret: Secret(String(repeating: "x", count: 40))), "invalid_token", "invalid"),
            ("Bearer " + token(region: "eu-west-1"), "invalid_token", "invalid"),
            ("Bearer " + token(expiresIn: 60, issuedAt: now.addingTimeInterval(-3600)), "token_expired", "expired"),
            ("Bearer " + token(issuedAt: now.addingTimeInterval(3600)), "token_not_yet_valid", "not valid yet"),
            ("Bearer " + String(repeating: "A", count: 17 * 1024), "invalid_token", "invalid"),
            ("Basic dXNlcjpwYXNz", "invalid_token", "Unsupported Authorization scheme"),
        ]
        for (header, code, message) in cases {
            let reply = try await HTTPTestClient.post(url, json: chatBody, headers: header.map { [("Authorization", $0)] } ?? [])
            #expect(reply.status == 401, "\(code)")
            let error = try reply.json()["error"] as? [String: Any]
            #expect(error?["code"] as? String == code)
            #expect(error?["type"] as? String == "authentication_error")
            #expect((error?["message"] as? String)?.contains(message) == true, "\(reply.text)")
        }
        #expect(mock.stats.requests == 0)
    }

    @Test("a scoped user reaches only its endpoints and components")
    func scopedUser() async throws {
        let (mock, gangway) = try await Self.start()
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let arn = "arn:aws:sagemaker:us-east-1:123456789012"
        let key = try await Self.user(
            "alice",
            policy: Self.policy(
                Self.allow(
                    #"["sagemaker:InvokeEndpoint","sagemaker:CallWithBearerToken"]"#,
                    #"["\#(arn):endpoint/alpha","\#(arn):endpoint/shared","\#(arn):inference-component/general"]"#)),
            in: gangway)
        let auth = gangway.auth(key)
        func status(_ endpoint: String, _ component: String? = nil) async throws -> Int {
            try await HTTPTestClient.post(
                gangway.openAIBase(endpoint: endpoint, component: component) + "/chat/completions", json: chatBody,
                headers: auth
            ).status
        }
        #expect(try await status("alpha") == 200)
        #expect(try await status("ALPHA") == 200)
        #expect(try await status("beta") == 403)
        #expect(try await status("shared", "general") == 200)
        #expect(try await status("shared", "private") == 403)
        let denied = try await HTTPTestClient.post(
            gangway.openAIBase(endpoint: "beta") + "/chat/completions", json: chatBody, headers: auth)
        #expect(
            denied.text.contains(
                "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sagemaker:CallWithBearerToken on resource: \(arn):endpoint/beta"
            ))
        #expect(denied.text.contains(#""type":"permission_error""#))
        // An endpoint that does not exist is not revealed to a caller who may not invoke it.
        #expect(try await status("ghost") == 403)
        #expect(try await gangway.post(gangway.openAIBase(endpoint: "ghost") + "/chat/completions", json: chatBody).status == 400)
    }

    @Test("a bearer token needs both CallWithBearerToken and InvokeEndpoint; a SigV4 signature needs InvokeEndpoint")
    func bothActionsNeeded() async throws {
        let (mock, gangway) = try await Self.start()
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let onlyInvoke = try await Self.user(
            "invoker", policy: Self.policy(Self.allow(#""sagemaker:InvokeEndpoint""#, #""*""#)), in: gangway)
        let onlyBearer = try await Self.user(
            "bearer", policy: Self.policy(Self.allow(#""sagemaker:CallWithBearerToken""#, #""*""#)), in: gangway)
        let url = gangway.openAIBase(endpoint: "alpha") + "/chat/completions"
        #expect(try await HTTPTestClient.post(url, json: chatBody, headers: gangway.auth(onlyInvoke)).status == 403)
        #expect(try await HTTPTestClient.post(url, json: chatBody, headers: gangway.auth(onlyBearer)).status == 403)

        // SigV4 header signing, as boto3 signs: InvokeEndpoint alone is enough.
        let signer = SigV4Signer(
            accessKeyId: onlyInvoke.metadata.accessKeyID, secretAccessKey: onlyInvoke.secretAccessKey, region: "us-east-1",
            service: "sagemaker")
        let path = "/endpoints/alpha/openai/v1/chat/completions"
        let host = gangway.baseURL.dropFirst("http://".count)
        let signed = signer.sign(
            SigV4Request(
                method: "POST", rawPath: path, headers: [("Host", String(host)), ("Content-Type", "application/json")],
                payload: .bytes(Array(chatBody.utf8))), now: Date())
        let reply = try await HTTPTestClient.post(
            gangway.baseURL + path, json: chatBody, headers: signed.headers.filter { $0.name != "Host" }.map { ($0.name, $0.value) })
        #expect(reply.status == 200, "\(reply.text)")
        // The same signature over another body fails.
        let tampered = try await HTTPTestClient.post(
            gangway.baseURL + path, json: chatBody.replacingOccurrences(of: "Hello", with: "Howdy"),
            headers: signed.headers.filter { $0.name != "Host" }.map { ($0.name, $0.value) })
        #expect(tampered.status == 401)

        // A signed GET with a query: the query is part of what is signed.
        let modelsPath = "/endpoints/alpha/openai/v1/models"
        let signedGet = signer.sign(
            SigV4Request(
                method: "GET", rawPath: modelsPath, rawQuery: "limit=2", headers: [("Host", String(host))],
                payload: .bytes([])), now: Date())
        let getHeaders = signedGet.headers.filter { $0.name != "Host" }.map { ($0.name, $0.value) }
        let listed = try await HTTPTestClient.send(.GET, gangway.baseURL + modelsPath + "?limit=2", headers: getHeaders)
        #expect(listed.status == 200, "\(listed.text)")
        let otherQuery = try await HTTPTestClient.send(.GET, gangway.baseURL + modelsPath + "?limit=3", headers: getHeaders)
        #expect(otherQuery.status == 401)
    }

    @Test("an explicit Deny wins over the admin's Allow")
    func explicitDeny() async throws {
        let (mock, gangway) = try await Self.start()
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let key = try await Self.user(
            "careful",
            policy: Self.policy(
                Self.allow(#""*""#, #""*""#)
                    + #",{"Effect":"Deny","Action":"sagemaker:InvokeEndpoint","Resource":"*","Condition":{"StringLike":{"aws:SourceIp":"127.*"}}}"#),
            in: gangway)
        let reply = try await HTTPTestClient.post(
            gangway.openAIBase(endpoint: "alpha") + "/chat/completions", json: chatBody, headers: gangway.auth(key))
        #expect(reply.status == 403)
    }

    @Test("deactivating or deleting a key takes effect on the next request, cached token or not")
    func keyStatusIsCheckedEveryTime() async throws {
        let (mock, gangway) = try await Self.start()
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let key = try await Self.user("bob", policy: Self.policy(Self.allow(#""sagemaker:*""#, #""*""#)), in: gangway)
        let headers = gangway.auth(key)  // one token, reused, so the verified-token cache is hit
        let url = gangway.openAIBase(endpoint: "alpha") + "/chat/completions"
        #expect(try await HTTPTestClient.post(url, json: chatBody, headers: headers).status == 200)
        #expect(try await HTTPTestClient.post(url, json: chatBody, headers: headers).status == 200)

        try await gangway.store.updateAccessKey(userName: "bob", accessKeyID: key.metadata.accessKeyID, status: .inactive)
        #expect(try await HTTPTestClient.post(url, json: chatBody, headers: headers).status == 401)
        try await gangway.store.updateAccessKey(userName: "bob", accessKeyID: key.metadata.accessKeyID, status: .active)
        #expect(try await HTTPTestClient.post(url, json: chatBody, headers: headers).status == 200)
        try await gangway.store.deleteAccessKey(userName: "bob", accessKeyID: key.metadata.accessKeyID)
        #expect(try await HTTPTestClient.post(url, json: chatBody, headers: headers).status == 401)
    }

    @Test("a policy change takes effect on the next request, remembered decisions included")
    func policyChangeIsSeenAtOnce() async throws {
        let (mock, gangway) = try await Self.start()
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let everything = Self.policy(Self.allow(#""sagemaker:*""#, #""*""#))
        let key = try await Self.user("carol", policy: everything, in: gangway)
        let headers = gangway.auth(key)
        let alpha = gangway.openAIBase(endpoint: "alpha") + "/chat/completions"
        let beta = gangway.openAIBase(endpoint: "beta") + "/chat/completions"
        // Twice each, so the second answer comes from the remembered decision.
        for _ in 0..<2 {
            #expect(try await HTTPTestClient.post(alpha, json: chatBody, headers: headers).status == 200)
            #expect(try await HTTPTestClient.post(beta, json: chatBody, headers: headers).status == 200)
        }
        try await gangway.store.putUserPolicy(
            userName: "carol", policyName: "p",
            document: Self.policy(
                Self.allow(
                    #"["sagemaker:CallWithBearerToken","sagemaker:InvokeEndpoint"]"#,
                    #""arn:aws:sagemaker:*:*:endpoint/alpha""#)))
        #expect(try await HTTPTestClient.post(alpha, json: chatBody, headers: headers).status == 200)
        #expect(try await HTTPTestClient.post(beta, json: chatBody, headers: headers).status == 403)
        try await gangway.store.putUserPolicy(userName: "carol", policyName: "p", document: everything)
        #expect(try await HTTPTestClient.post(beta, json: chatBody, headers: headers).status == 200)
    }

    @Test("/ping needs no credentials")
    func pingIsOpen() async throws {
        let (mock, gangway) = try await Self.start()
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        #expect(try await HTTPTestClient.send(.GET, gangway.baseURL + "/ping").status == 200)
    }
}

@Suite("Secrets stay out of logs and files", .serialized)
struct SecretHygieneTests {
    @Test("everything logged for good and bad requests holds no token, secret or Authorization value")
    func logsHoldNoSecrets() async throws {
        let mock = try await MockInstance.start()
        let capture = LogCapture()
        let config = try singleModelConfig(["demo": [mock]])
        let gangway = try await GangwayInstance.start(config, logCapture: capture)
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let url = gangway.openAIBase(endpoint: "demo") + "/chat/completions"
        let key = gangway.adminKey
        let goodToken = gangway.bearerToken()
        let expired = gangway.bearerToken(expiresIn: 1, issuedAt: Date().addingTimeInterval(-600))
        let wrongSecret = BearerToken.generate(
            accessKeyId: key.metadata.accessKeyID, secretAccessKey: Secret("s3cr3t-not-the-real-one-0000000000000000"),
            region: "us-east-1", issuedAt: Date(), expiresInSeconds: 60
        ).reveal()
        let unknownKey = BearerToken.generate(
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: key.secretAccessKey, region: "us-east-1", issuedAt: Date(),
            expiresInSeconds: 60
        ).reveal()
        let tokens = [goodToken, expired, wrongSecret, unknownKey, "sagemaker-api-key-bm90LWEtdG9rZW4=", "Zm9vYmFy"]
        for token in tokens {
            _ = try await HTTPTestClient.post(url, json: chatBody, headers: [("Authorization", "Bearer " + token)])
            _ = try await HTTPTestClient.post(
                gangway.baseURL + "/endpoints/nope/openai/v1/chat/completions", json: "{bad", headers: [("Authorization", "Bearer " + token)])
        }
        _ = try await HTTPTestClient.post(
            url, json: chatBody,
            headers: [("Authorization", "AWS4-HMAC-SHA256 Credential=\(key.metadata.accessKeyID)/20261124/us-east-1/sagemaker/aws4_request, SignedHeaders=host, Signature=" + String(repeating: "ab", count: 32))])

        let logged = capture.text
        #expect(capture.count > 10, "the suite must actually capture log lines")
        #expect(logged.contains("authentication failed"))
        for token in tokens {
            #expect(!logged.contains(token))
            #expect(!logged.contains(String(token.dropFirst("sagemaker-api-key-".count).prefix(24))))
        }
        #expect(!logged.contains(key.secretAccessKey.reveal()))
        #expect(!logged.contains(String(repeating: "ab", count: 32)))
        #expect(!logged.lowercased().contains("authorization:"))
        #expect(!logged.contains("Bearer "))
    }

    @Test("no file in the data directory holds the secret in plain text")
    func storeFilesHoldNoPlaintext() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(try singleModelConfig(["demo": [mock]]))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let extra = try await gangway.store.createAccessKey(userName: "admin")
        _ = try await gangway.post(gangway.openAIBase(endpoint: "demo") + "/chat/completions", json: chatBody)
        let files = try FileManager.default.contentsOfDirectory(atPath: gangway.dataDirectory.path)
        #expect(files.contains("gangway.sqlite"))
        for name in files {
            let bytes = try Data(contentsOf: gangway.dataDirectory.appendingPathComponent(name))
            for secret in [gangway.adminKey.secretAccessKey.reveal(), extra.secretAccessKey.reveal()] {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(name) holds a secret")
            }
        }
    }
}
