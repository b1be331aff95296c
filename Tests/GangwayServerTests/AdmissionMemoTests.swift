import Foundation
import GangwayCore
import GangwayStore
import GangwayTesting
import NIOCore
import Testing

@testable import GangwayServer

/// A keep-alive connection remembers its last admission by bearer token (``AdmissionMemo``):
/// nothing that would refuse a request may be missed because of it.
@Suite("Admission remembered per connection", .serialized)
struct AdmissionMemoTests {
    // MARK: The rule

    static let user = IAMUser(
        name: "u", path: "/", userID: "AIDAEXAMPLE", arn: "arn:aws:iam::000000000000:user/u", createDate: Date())

    static func credential(_ status: AccessKeyStatus = .active) -> AccessKeyCredential {
        AccessKeyCredential(
            accessKeyID: "AKIAEXAMPLE000000001", status: status, secret: Secret("s"), user: user, policies: [])
    }

    static let issued = Date(timeIntervalSince1970: 1_800_000_000)

    static func memo(
        _ credential: AccessKeyCredential, component: String? = nil, generation: UInt64? = 7
    ) -> AdmissionMemo? {
        AdmissionMemo(
            authorization: Array("Bearer t".utf8), endpoint: "alpha", component: component,
            caller: CallerIdentity(
                credential: credential, method: .bearerToken, issuedAt: issued,
                tokenExpiresAt: issued.addingTimeInterval(600)),
            generation: generation)
    }

    @Test("the same target and store generation inside the token's window are admitted again; nothing else is")
    func rule() throws {
        let credential = Self.credential()
        let memo = try #require(Self.memo(credential))
        let now = Self.issued.addingTimeInterval(10)
        func readmits(
            endpoint: Substring = "alpha", component: Substring? = nil, at: Date = now, generation: UInt64 = 7
        ) -> Bool {
            memo.readmits(endpoint: endpoint, component: component, now: at, generation: generation) != nil
        }
        #expect(readmits())
        #expect(!readmits(endpoint: "beta"))
        #expect(!readmits(endpoint: "alph"))
        #expect(!readmits(component: "general"))
        // The store was written to since (any write: the key, its user, their policies).
        #expect(!readmits(generation: 8))
        #expect(!readmits(generation: 6))
        // The token's window: from its issue time less the allowed skew to its expiry.
        #expect(readmits(at: Self.issued.addingTimeInterval(-BearerToken.allowedClockSkew)))
        #expect(!readmits(at: Self.issued.addingTimeInterval(-BearerToken.allowedClockSkew - 1)))
        #expect(readmits(at: Self.issued.addingTimeInterval(600)))
        #expect(!readmits(at: Self.issued.addingTimeInterval(601)))

        let component = try #require(Self.memo(credential, component: "general"))
        #expect(component.readmits(endpoint: "alpha", component: "general", now: now, generation: 7) != nil)
        #expect(component.readmits(endpoint: "alpha", component: nil, now: now, generation: 7) == nil)

        // A store that keeps no generation (nothing in memory): nothing is remembered.
        #expect(Self.memo(credential, generation: nil) == nil)
    }

    @Test("only bearer-token admissions with a sole Authorization value are remembered")
    func whatIsRemembered() {
        let signed = CallerIdentity(credential: Self.credential(), method: .sigV4Header, issuedAt: Self.issued)
        #expect(
            AdmissionMemo(
                authorization: Array("AWS4".utf8), endpoint: "alpha", component: nil, caller: signed, generation: 7) == nil)
        let token = CallerIdentity(
            credential: Self.credential(), method: .bearerToken, issuedAt: Self.issued,
            tokenExpiresAt: Self.issued.addingTimeInterval(60))
        #expect(AdmissionMemo(authorization: nil, endpoint: "alpha", component: nil, caller: token, generation: 7) == nil)
    }

    // MARK: On one connection, end to end

    static func status(_ response: RawHTTPResponse) -> Int {
        Int(response.statusLine.split(separator: " ")[1]) ?? 0
    }

    /// Sends a chat request on `connection` and returns the answer's status.
    static func post(
        _ connection: RawHTTPConnection, endpoint: String = "alpha", token: String, chunked: Bool = false
    ) async throws -> Int {
        let path = "/endpoints/\(endpoint)/openai/v1/chat/completions"
        if chunked {
            // A chunked body is left to NIO's decoder: the connection is handed over for good,
            // and its later requests are read by the other path (which remembers too).
            let body = String(chatBody.utf8.count, radix: 16) + "\r\n" + chatBody + "\r\n0\r\n\r\n"
            try await connection.send(
                "POST \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\nAuthorization: Bearer \(token)\r\n\r\n" + body)
        } else {
            try await connection.send(RawHTTPConnection.post(path, json: chatBody, headers: ["Authorization: Bearer \(token)"]))
        }
        return status(try await connection.readResponse())
    }

    /// After a change in the store, a request on another connection makes the store load the
    /// changed credential into memory before the remembering connection asks again: only the
    /// store's generation then tells the change (the cache already holds the new answer).
    static func otherConnection(_ gangway: GangwayInstance, endpoint: String = "alpha", token: String) async throws -> Int {
        try await RawHTTPConnection.with(port: gangway.server.port) { try await post($0, endpoint: endpoint, token: token) }
    }

    @Test("deactivating or deleting a key refuses the next request on the same connection", arguments: [false, true])
    func keyChangesOnOneConnection(decoderPath: Bool) async throws {
        let (mock, gangway) = try await AuthTests.start()
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let key = try await AuthTests.user(
            "bob", policy: AuthTests.policy(AuthTests.allow(#""sagemaker:*""#, #""*""#)), in: gangway)
        let token = gangway.bearerToken(for: key)
        let id = key.metadata.accessKeyID
        let statuses = try await RawHTTPConnection.with(port: gangway.server.port) { connection in
            var seen = [try await Self.post(connection, token: token, chunked: decoderPath)]
            seen.append(try await Self.post(connection, token: token))
            try await gangway.store.updateAccessKey(userName: "bob", accessKeyID: id, status: .inactive)
            seen.append(try await Self.otherConnection(gangway, token: token))
            seen.append(try await Self.post(connection, token: token))
            seen.append(try await Self.post(connection, token: token))
            try await gangway.store.updateAccessKey(userName: "bob", accessKeyID: id, status: .active)
            seen.append(try await Self.post(connection, token: token))
            seen.append(try await Self.post(connection, token: token))
            try await gangway.store.updateAccessKey(userName: "bob", accessKeyID: id, status: .inactive)
            seen.append(try await Self.post(connection, token: token))
            try await gangway.store.deleteAccessKey(userName: "bob", accessKeyID: id)
            seen.append(try await Self.otherConnection(gangway, token: token))
            seen.append(try await Self.post(connection, token: token))
            return seen
        }
        #expect(statuses == [200, 200, 401, 401, 401, 200, 200, 401, 401, 401])
    }

    @Test("a policy change, another endpoint or another token on the same connection is decided afresh")
    func decidedAfresh() async throws {
        let (mock, gangway) = try await AuthTests.start()
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let everything = AuthTests.policy(AuthTests.allow(#""sagemaker:*""#, #""*""#))
        let alphaOnly = AuthTests.policy(
            AuthTests.allow(
                #"["sagemaker:CallWithBearerToken","sagemaker:InvokeEndpoint"]"#,
                #""arn:aws:sagemaker:*:*:endpoint/alpha""#))
        let key = try await AuthTests.user("carol", policy: everything, in: gangway)
        let token = gangway.bearerToken(for: key)
        let forged = gangway.bearerToken(
            for: NewAccessKey(metadata: key.metadata, secretAccessKey: Secret(String(repeating: "x", count: 40))))
        let statuses = try await RawHTTPConnection.with(port: gangway.server.port) { connection in
            var seen: [Int] = []
            for endpoint in ["beta", "beta", "alpha", "beta"] {
                seen.append(try await Self.post(connection, endpoint: endpoint, token: token))
            }
            try await gangway.store.putUserPolicy(userName: "carol", policyName: "p", document: alphaOnly)
            seen.append(try await Self.otherConnection(gangway, token: token))
            for endpoint in ["beta", "alpha", "beta", "alpha", "alpha", "beta"] {
                seen.append(try await Self.post(connection, endpoint: endpoint, token: token))
            }
            // Same key, wrong signature, right after the good token was remembered; then the good
            // one next to a second Authorization header.
            seen.append(try await Self.post(connection, token: token))
            seen.append(try await Self.post(connection, token: forged))
            seen.append(try await Self.post(connection, token: token))
            try await connection.send(
                RawHTTPConnection.post(
                    "/endpoints/alpha/openai/v1/chat/completions", json: chatBody,
                    headers: ["Authorization: Bearer \(token)", "Authorization: Bearer \(token)"]))
            seen.append(Self.status(try await connection.readResponse()))
            return seen
        }
        #expect(statuses == [200, 200, 200, 200, 200, 403, 200, 403, 200, 200, 403, 200, 401, 200, 401])
    }

    @Test("a token that expires while its connection stays open is refused from then on")
    func expiryOnOneConnection() async throws {
        let (mock, gangway) = try await AuthTests.start()
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        // A token's times are whole seconds: issued in this second, valid for two more.
        let issued = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let token = gangway.bearerToken(expiresIn: 2, issuedAt: issued)
        let statuses = try await RawHTTPConnection.with(port: gangway.server.port) { connection in
            var seen = [try await Self.post(connection, token: token), try await Self.post(connection, token: token)]
            let expired = issued.addingTimeInterval(2.2).timeIntervalSinceNow
            try await Task.sleep(for: .milliseconds(Int(max(0, expired) * 1000)))
            seen.append(try await Self.post(connection, token: token))
            return seen
        }
        #expect(statuses == [200, 200, 401])
    }

    @Test("a decision that reads the request (here the time) is not remembered")
    func conditionsAreEvaluatedEveryTime() async throws {
        let (mock, gangway) = try await AuthTests.start()
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let until = Date().addingTimeInterval(2.5)
        let stamp = ISO8601DateFormatter().string(from: until)
        let policy = AuthTests.policy(
            #"{"Effect":"Allow","Action":"sagemaker:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":""#
                + stamp + #""}}}"#)
        let key = try await AuthTests.user("dave", policy: policy, in: gangway)
        let token = gangway.bearerToken(for: key)
        let statuses = try await RawHTTPConnection.with(port: gangway.server.port) { connection in
            var seen = [try await Self.post(connection, token: token), try await Self.post(connection, token: token)]
            try await Task.sleep(for: .milliseconds(Int(max(0, until.timeIntervalSinceNow + 0.2) * 1000)))
            seen.append(try await Self.post(connection, token: token))
            return seen
        }
        #expect(statuses == [200, 200, 403])
    }
}
