import GangwayServer
import Testing

/// Missing and malformed parameters, answered as AWS's `ValidationError`s are worded.
struct QueryValidationTests {
    static let pattern = #"Member must satisfy regular expression pattern: [\w+=,.@-]+"#

    static let cases: [(action: String, parameters: [String: String], message: String)] = [
        (
            "CreateUser", [:],
            "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"
        ),
        ("CreateUser", ["UserName": "a b"], "1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: \(pattern)"),
        (
            "CreateUser", ["UserName": String(repeating: "x", count: 65)],
            "1 validation error detected: Value '\(String(repeating: "x", count: 65))' at 'userName' failed to satisfy "
                + "constraint: Member must have length less than or equal to 64"
        ),
        (
            "CreateUser", ["UserName": ""],
            "2 validation errors detected: Value '' at 'userName' failed to satisfy constraint: Member must have length "
                + "greater than or equal to 1; Value '' at 'userName' failed to satisfy constraint: \(pattern)"
        ),
        (
            "CreateUser", ["UserName": "bob", "Path": "team"],
            #"1 validation error detected: Value 'team' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)"#
        ),
        ("GetUser", ["UserName": "é"], "1 validation error detected: Value 'é' at 'userName' failed to satisfy constraint: \(pattern)"),
        (
            "ListUsers", ["MaxItems": "0"],
            "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"
        ),
        (
            "ListUsers", ["MaxItems": "1001"],
            "1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000"
        ),
        (
            "ListUsers", ["MaxItems": "ten"],
            "1 validation error detected: Value 'ten' at 'maxItems' failed to satisfy constraint: Member must be a number"
        ),
        (
            "ListUsers", ["PathPrefix": "eng"],
            #"1 validation error detected: Value 'eng' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*"#
        ),
        (
            "UpdateAccessKey", [:],
            "2 validation errors detected: Value null at 'accessKeyId' failed to satisfy constraint: Member must not be null; "
                + "Value null at 'status' failed to satisfy constraint: Member must not be null"
        ),
        (
            "UpdateAccessKey", ["AccessKeyId": "AKIA-SHORT", "Status": "Expired"],
            "3 validation errors detected: Value 'AKIA-SHORT' at 'accessKeyId' failed to satisfy constraint: Member must have "
                + "length greater than or equal to 16; Value 'AKIA-SHORT' at 'accessKeyId' failed to satisfy constraint: "
                + #"Member must satisfy regular expression pattern: [\w]+; Value 'Expired' at 'status' failed to satisfy "#
                + "constraint: Member must satisfy enum value set: [Active, Inactive]"
        ),
        (
            "PutUserPolicy", [:],
            "3 validation errors detected: Value null at 'userName' failed to satisfy constraint: Member must not be null; "
                + "Value null at 'policyName' failed to satisfy constraint: Member must not be null; "
                + "Value null at 'policyDocument' failed to satisfy constraint: Member must not be null"
        ),
        (
            "PutUserPolicy", ["UserName": "admin", "PolicyName": "p", "PolicyDocument": #"{"Sid":"日本"}"#],
            #"1 validation error detected: Value '{"Sid":"日本"}' at 'policyDocument' failed to satisfy constraint: "#
                + #"Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+"#
        ),
        (
            "ListUserPolicies", ["UserName": "admin", "Marker": ""],
            "2 validation errors detected: Value '' at 'marker' failed to satisfy constraint: Member must have length greater "
                + #"than or equal to 1; Value '' at 'marker' failed to satisfy constraint: Member must satisfy regular expression pattern: [\u0020-\u00FF]+"#
        ),
    ]

    @Test(arguments: cases)
    func refusesWithEveryBrokenConstraint(_ action: String, _ parameters: [String: String], _ message: String)
        async throws
    {
        let fixture = try await AdminFixture()
        let log = AuthorizationLog()
        let response = await fixture.call(action, parameters, authorize: log)
        #expect(response.status == 400)
        let xml = try ParsedXML(response.body)
        #expect(xml.value("Error", "Type") == "Sender")
        #expect(xml.value("Error", "Code") == "ValidationError")
        #expect(xml.value("Error", "Message") == message)
        // Parameters are checked before anyone is asked for permission.
        #expect(log.questions.isEmpty)
    }

    @Test func hugeValuesAreQuotedOnlyInPart() async throws {
        let fixture = try await AdminFixture()
        let document = String(repeating: "x", count: 131_073)
        let response = await fixture.call(
            "PutUserPolicy", ["UserName": "admin", "PolicyName": "p", "PolicyDocument": document])
        let message = try #require(try ParsedXML(response.body).value("Error", "Message"))
        #expect(
            message
                == "1 validation error detected: Value '\(String(repeating: "x", count: 256))...' at 'policyDocument' "
                + "failed to satisfy constraint: Member must have length less than or equal to 131072")
    }
}
