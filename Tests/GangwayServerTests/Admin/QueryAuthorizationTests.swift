import GangwayServer
import GangwayStore
import Testing

/// Each action asks the policy engine exactly once, with IAM's action name and resource ARN,
/// and a refusal stops it before it touches the store.
struct QueryAuthorizationTests {
    static let admin = "arn:aws:iam::123456789012:user/admin"
    static let alice = "arn:aws:iam::123456789012:user/team/alice"
    static let aliceKey = SequentialIDGenerator.accessKeyID(2)
    static let policy = #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#

    static let questions: [(action: String, parameters: [String: String], policyAction: String, resource: String)] = [
        ("CreateUser", ["UserName": "bob"], "iam:CreateUser", "arn:aws:iam::123456789012:user/bob"),
        ("CreateUser", ["UserName": "bob", "Path": "/ops/"], "iam:CreateUser", "arn:aws:iam::123456789012:user/ops/bob"),
        ("GetUser", ["UserName": "alice"], "iam:GetUser", alice),
        // The stored name and path, whatever the case of the request.
        ("GetUser", ["UserName": "ALICE"], "iam:GetUser", alice),
        ("GetUser", [:], "iam:GetUser", admin),
        ("GetUser", ["UserName": "ghost"], "iam:GetUser", "arn:aws:iam::123456789012:user/ghost"),
        ("ListUsers", [:], "iam:ListUsers", "arn:aws:iam::123456789012:user/*"),
        ("ListUsers", ["PathPrefix": "/team/"], "iam:ListUsers", "arn:aws:iam::123456789012:user/team/*"),
        ("DeleteUser", ["UserName": "alice"], "iam:DeleteUser", alice),
        ("CreateAccessKey", ["UserName": "alice"], "iam:CreateAccessKey", alice),
        ("CreateAccessKey", [:], "iam:CreateAccessKey", admin),
        ("ListAccessKeys", ["UserName": "alice"], "iam:ListAccessKeys", alice),
        ("ListAccessKeys", [:], "iam:ListAccessKeys", admin),
        ("UpdateAccessKey", ["UserName": "alice", "AccessKeyId": aliceKey, "Status": "Inactive"], "iam:UpdateAccessKey", alice),
        ("DeleteAccessKey", ["UserName": "alice", "AccessKeyId": aliceKey], "iam:DeleteAccessKey", alice),
        ("PutUserPolicy", ["UserName": "alice", "PolicyName": "new", "PolicyDocument": policy], "iam:PutUserPolicy", alice),
        ("GetUserPolicy", ["UserName": "alice", "PolicyName": "all"], "iam:GetUserPolicy", alice),
        ("ListUserPolicies", ["UserName": "alice"], "iam:ListUserPolicies", alice),
        ("DeleteUserPolicy", ["UserName": "alice", "PolicyName": "all"], "iam:DeleteUserPolicy", alice),
    ]

    /// The admin, and alice at `/team/` with one key and one policy.
    static func fixture() async throws -> AdminFixture {
        let fixture = try await AdminFixture()
        _ = try await fixture.store.createUser(name: "alice", path: "/team/")
        _ = try await fixture.store.createAccessKey(userName: "alice")
        try await fixture.store.putUserPolicy(userName: "alice", policyName: "all", document: policy)
        return fixture
    }

    /// What a refused action could have changed.
    static func snapshot(_ store: any IdentityStore) async throws -> [String] {
        var lines: [String] = []
        for user in try await store.listUsers() {
            lines.append("user \(user.arn)")
            lines += try await store.listAccessKeys(userName: user.name).map { "key \($0.accessKeyID) \($0.status)" }
            for name in try await store.listUserPolicies(userName: user.name) {
                lines.append("policy \(name) \(try await store.getUserPolicy(userName: user.name, policyName: name).document)")
            }
        }
        return lines
    }

    @Test(arguments: questions)
    func asksOnceWithIAMsNames(_ action: String, _ parameters: [String: String], _ policyAction: String, _ resource: String)
        async throws
    {
        let fixture = try await Self.fixture()
        let log = AuthorizationLog()
        let response = await fixture.call(action, parameters, authorize: log)
        // Allowed, the action goes on to the store (some of them to a 404 or a 409 there).
        #expect(response.status != 403, "\(response.body)")
        #expect(log.questions == [.init(action: policyAction, resource: resource)])
    }

    @Test(arguments: questions)
    func refusalIsAccessDeniedAndChangesNothing(
        _ action: String, _ parameters: [String: String], _ policyAction: String, _ resource: String
    ) async throws {
        let fixture = try await Self.fixture()
        let before = try await Self.snapshot(fixture.store)
        let response = await fixture.call(action, parameters, authorize: .denyAll())
        #expect(response.status == 403)
        let xml = try ParsedXML(response.body)
        #expect(xml.value("Error", "Type") == "Sender")
        #expect(xml.value("Error", "Code") == "AccessDenied")
        #expect(
            xml.value("Error", "Message")
                == "User: \(Self.admin) is not authorized to perform: \(policyAction) on resource: \(resource)")
        #expect(try await Self.snapshot(fixture.store) == before)
    }

    /// A policy written for one user does not reach another, so the engine's answer matters.
    @Test func onlyTheAllowedUserIsReachable() async throws {
        let fixture = try await Self.fixture()
        _ = try await fixture.store.createUser(name: "bob")
        let onlyAlice = AuthorizationLog { $0.resource == Self.alice }
        #expect(await fixture.call("GetUser", ["UserName": "alice"], authorize: onlyAlice).status == 200)
        #expect(await fixture.call("GetUser", ["UserName": "bob"], authorize: onlyAlice).status == 403)
    }

    /// Without permission, a missing user looks like any other: denied, not "not found".
    @Test func deniedCallersLearnNothingAboutMissingUsers() async throws {
        let fixture = try await Self.fixture()
        let response = await fixture.call("DeleteUser", ["UserName": "ghost"], authorize: .denyAll())
        #expect(response.status == 403)
    }

    @Test func getCallerIdentityNeedsNoPermission() async throws {
        let fixture = try await Self.fixture()
        let log = AuthorizationLog.denyAll()
        let alice = try await fixture.caller(for: "alice")
        let response = await fixture.call("GetCallerIdentity", version: "2011-06-15", as: alice, authorize: log)
        #expect(response.status == 200)
        #expect(log.questions.isEmpty)
        let xml = try ParsedXML(response.body)
        #expect(xml.value("GetCallerIdentityResult", "Arn") == Self.alice)
        #expect(xml.value("GetCallerIdentityResult", "UserId") == SequentialIDGenerator.userID(2))
        #expect(xml.value("GetCallerIdentityResult", "Account") == "123456789012")
    }

    @Test func deniedMessageNamesTheCaller() async throws {
        let fixture = try await Self.fixture()
        let alice = try await fixture.caller(for: "alice")
        let response = await fixture.call("ListUsers", as: alice, authorize: .denyAll())
        #expect(
            try ParsedXML(response.body).value("Error", "Message")
                == "User: \(Self.alice) is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::123456789012:user/*")
    }
}
