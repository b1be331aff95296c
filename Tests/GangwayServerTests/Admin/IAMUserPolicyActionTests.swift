import Foundation
import GangwayServer
import GangwayStore
import Testing

struct IAMUserPolicyActionTests {
    static let document = """
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:InvokeEndpoint", "Resource": "*"}]}
        """

    @Test func putThenGetReturnsTheDocumentURLEncoded() async throws {
        let fixture = try await AdminFixture()
        _ = try await fixture.succeed(
            "PutUserPolicy", ["UserName": "admin", "PolicyName": "invoke", "PolicyDocument": Self.document])
        let xml = try await fixture.succeed("GetUserPolicy", ["UserName": "ADMIN", "PolicyName": "invoke"])
        #expect(xml.value("GetUserPolicyResult", "UserName") == "admin")
        #expect(xml.value("GetUserPolicyResult", "PolicyName") == "invoke")
        let encoded = try #require(xml.value("GetUserPolicyResult", "PolicyDocument"))
        #expect(encoded.hasPrefix("%7B%22Version%22%3A%20%222012-10-17%22%2C%20"))
        #expect(encoded.removingPercentEncoding == Self.document)
    }

    /// The body botocore 1.43 sends for `put_user_policy` with this document, byte for byte.
    @Test func aBodyAsBotocoreSendsItRoundTrips() async throws {
        let document = #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:*", "Resource": "*", "Condition": {"StringEquals": {"aws:username": "café & co+"}}}}"#
        let body =
            "Action=PutUserPolicy&Version=2010-05-08&UserName=admin&PolicyName=p&PolicyDocument=%7B%22Version%22%3A+"
            + "%222012-10-17%22%2C+%22Statement%22%3A+%7B%22Effect%22%3A+%22Allow%22%2C+%22Action%22%3A+%22iam%3A%2A%22"
            + "%2C+%22Resource%22%3A+%22%2A%22%2C+%22Condition%22%3A+%7B%22StringEquals%22%3A+%7B%22aws%3Ausername%22"
            + "%3A+%22caf%C3%A9+%26+co%2B%22%7D%7D%7D%7D"
        let form = try #require(QueryAPI.decodeForm(Array(body.utf8)))
        #expect(form["PolicyDocument"] == document)
        let fixture = try await AdminFixture()
        let response = await fixture.api.handle(form: form, caller: fixture.admin, authorize: { _, _ in true })
        #expect(response.status == 200)
        let xml = try await fixture.succeed("GetUserPolicy", ["UserName": "admin", "PolicyName": "p"])
        #expect(xml.value("GetUserPolicyResult", "PolicyDocument")?.removingPercentEncoding == document)
    }

    @Test func putReplacesAPolicyOfTheSameName() async throws {
        let fixture = try await AdminFixture()
        let second = #"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#
        for document in [Self.document, second] {
            _ = try await fixture.succeed(
                "PutUserPolicy", ["UserName": "admin", "PolicyName": "p", "PolicyDocument": document])
        }
        #expect(try await fixture.store.getUserPolicy(userName: "admin", policyName: "p").document == second)
        #expect(try await fixture.store.listUserPolicies(userName: "admin") == ["p"])
    }

    static let malformed: [(document: String, message: String)] = [
        ("not json", "Syntax errors in policy."),
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#, "Policy statement must contain actions."),
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*"}]}"#, "Policy statement must contain resources."),
        (
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"iam:*","Resource":"*"}]}"#,
            "Policy document should not specify a principal."
        ),
        (
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"users"}]}"#,
            #"Resource users must be in ARN format or "*"."#
        ),
    ]

    @Test(arguments: malformed)
    func putRefusesMalformedDocuments(_ document: String, _ message: String) async throws {
        let fixture = try await AdminFixture()
        let response = await fixture.call(
            "PutUserPolicy", ["UserName": "admin", "PolicyName": "bad", "PolicyDocument": document])
        #expect(response.status == 400)
        let xml = try ParsedXML(response.body)
        #expect(xml.value("Error", "Type") == "Sender")
        #expect(xml.value("Error", "Code") == "MalformedPolicyDocument")
        #expect(xml.value("Error", "Message") == message)
        #expect(try await fixture.store.listUserPolicies(userName: "admin").isEmpty)
    }

    @Test func putForAMissingUser() async throws {
        let fixture = try await AdminFixture()
        let response = await fixture.call(
            "PutUserPolicy", ["UserName": "ghost", "PolicyName": "p", "PolicyDocument": Self.document])
        #expect(response.status == 404)
        #expect(try ParsedXML(response.body).value("Error", "Code") == "NoSuchEntity")
    }

    @Test func listUserPoliciesInOrderAndInPages() async throws {
        let fixture = try await AdminFixture()
        for name in ["zeta", "Alpha", "mid"] {
            try await fixture.store.putUserPolicy(userName: "admin", policyName: name, document: Self.document)
        }
        let all = try await fixture.succeed("ListUserPolicies", ["UserName": "admin"])
        #expect(all.members("ListUserPoliciesResult", "PolicyNames").map(\.text) == ["Alpha", "mid", "zeta"])
        #expect(all.value("ListUserPoliciesResult", "IsTruncated") == "false")

        let first = try await fixture.succeed("ListUserPolicies", ["UserName": "admin", "MaxItems": "2"])
        #expect(first.members("ListUserPoliciesResult", "PolicyNames").map(\.text) == ["Alpha", "mid"])
        let marker = try #require(first.value("ListUserPoliciesResult", "Marker"))
        let second = try await fixture.succeed("ListUserPolicies", ["UserName": "admin", "MaxItems": "2", "Marker": marker])
        #expect(second.members("ListUserPoliciesResult", "PolicyNames").map(\.text) == ["zeta"])
        #expect(second.value("ListUserPoliciesResult", "IsTruncated") == "false")
    }

    @Test func deleteUserPolicyThenItIsGone() async throws {
        let fixture = try await AdminFixture()
        try await fixture.store.putUserPolicy(userName: "admin", policyName: "p", document: Self.document)
        _ = try await fixture.succeed("DeleteUserPolicy", ["UserName": "admin", "PolicyName": "p"])
        for action in ["GetUserPolicy", "DeleteUserPolicy"] {
            let response = await fixture.call(action, ["UserName": "admin", "PolicyName": "p"])
            #expect(response.status == 404)
            let xml = try ParsedXML(response.body)
            #expect(xml.value("Error", "Code") == "NoSuchEntity")
            #expect(xml.value("Error", "Message") == "The user policy with name p cannot be found for user admin.")
        }
    }
}
