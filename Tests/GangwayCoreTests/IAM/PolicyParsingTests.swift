import Testing

@testable import GangwayCore

@Suite("Policy documents")
struct PolicyParsingTests {
    @Test("a full document parses into the model")
    func fullDocument() throws {
        let json = """
            {"Version": "2012-10-17", "Id": "p1", "Statement": [
              {"Sid": "Invoke", "Effect": "Allow", "Action": ["sagemaker:InvokeEndpoint", "sagemaker:CallWithBearerToken"],
               "Resource": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/*",
               "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.1"]},
                             "ForAnyValue:StringLikeIfExists": {"aws:username": "a*"},
                             "NumericLessThan": {"aws:EpochTime": 2000000000}, "Bool": {"aws:SecureTransport": true}}},
              {"Effect": "Deny", "NotAction": "sagemaker:*", "NotResource": ["*"]}
            ]}
            """
        let document = try PolicyDocument(json: json)
        #expect(document.version == .v2012_10_17)
        #expect(document.id == "p1")
        #expect(document.statements == [
            PolicyStatement(
                sid: "Invoke", effect: .allow, actions: .matching(["sagemaker:InvokeEndpoint", "sagemaker:CallWithBearerToken"]),
                resources: .matching(["arn:aws:sagemaker:us-east-1:123456789012:endpoint/*"]),
                conditions: [
                    PolicyCondition(ConditionOperator(.ipAddress), key: "aws:SourceIp", values: ["10.0.0.0/8", "192.0.2.1"]),
                    PolicyCondition(ConditionOperator(.stringLike, ifExists: true, qualifier: .forAnyValue), key: "aws:username", values: ["a*"]),
                    PolicyCondition(ConditionOperator(.numericLessThan), key: "aws:EpochTime", values: ["2000000000"]),
                    PolicyCondition(ConditionOperator(.bool), key: "aws:SecureTransport", values: ["true"]),
                ]),
            PolicyStatement(effect: .deny, actions: .notMatching(["sagemaker:*"]), resources: .notMatching(["*"])),
        ])
    }

    @Test(
        "accepted shapes",
        arguments: [
            #"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
            #"{"Version": "2008-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}"#,
            #" {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*","Condition":{}}]} "#,
            #"{"Version": "2012-10-17", "Statement": {"Sid": "", "Effect": "Allow", "Action": "a:b", "Resource": "*"}}"#,
            #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {"Null": {"aws:x": "true"}}}}"#,
            #"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {"StringEquals": {"aws:x": "\u00e9\ud83d\ude00\n"}}}}"#,
        ])
    func accepted(_ json: String) throws {
        _ = try PolicyDocument(json: json)
    }

    @Test("versions", arguments: [("", PolicyDocument.Version.v2008_10_17), (#""Version": "2008-10-17","#, .v2008_10_17), (#""Version": "2012-10-17","#, .v2012_10_17)])
    func versions(field: String, version: PolicyDocument.Version) throws {
        let document = try PolicyDocument(json: #"{\#(field) "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#)
        #expect(document.version == version)
    }

    @Test("malformed documents give IAM's messages", arguments: MalformedPolicy.all)
    func malformed(_ testCase: MalformedPolicy) {
        #expect(throws: PolicyDocumentError(message: testCase.message)) {
            _ = try PolicyDocument(json: testCase.json)
        }
    }

    @Test("deep nesting is a syntax error, not a crash")
    func deepNesting() {
        let json = #"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": "# + String(repeating: "[", count: 10_000)
        #expect(throws: PolicyDocumentError.syntax) {
            _ = try PolicyDocument(json: json)
        }
    }
}

struct MalformedPolicy: Sendable, CustomTestStringConvertible {
    var name: String
    var json: String
    var message: String
    var testDescription: String { name }

    static let syntax = "Syntax errors in policy."

    /// A valid statement body to edit: `{"Effect": "Allow", "Action": "a:b", "Resource": "*"}` plus `extra`.
    static func statement(_ body: String) -> String {
        #"{"Version": "2012-10-17", "Statement": {\#(body)}}"#
    }

    static let all: [MalformedPolicy] = [
        .init(name: "not JSON", json: "{oops", message: syntax),
        .init(name: "empty", json: "", message: syntax),
        .init(name: "array at top", json: "[]", message: syntax),
        .init(name: "trailing comma", json: statement(#""Effect": "Allow", "Action": "a:b", "Resource": "*","#), message: syntax),
        .init(name: "comment", json: "// c\n" + statement(#""Effect": "Allow", "Action": "a:b", "Resource": "*""#), message: syntax),
        .init(name: "trailing garbage", json: statement(#""Effect": "Allow", "Action": "a:b", "Resource": "*""#) + "x", message: syntax),
        .init(name: "control character in string", json: statement("\"Effect\": \"Al\tlow\", \"Action\": \"a:b\", \"Resource\": \"*\""), message: syntax),
        .init(name: "lone surrogate", json: statement(#""Sid": "\ud800", "Effect": "Allow", "Action": "a:b", "Resource": "*""#), message: syntax),
        .init(name: "duplicate key", json: statement(#""Effect": "Allow", "Effect": "Deny", "Action": "a:b", "Resource": "*""#), message: syntax),
        .init(name: "unknown version", json: #"{"Version": "2012-10-18", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#, message: syntax),
        .init(name: "unknown top-level element", json: #"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}, "Foo": 1}"#, message: syntax),
        .init(name: "no statement", json: #"{"Version": "2012-10-17"}"#, message: syntax),
        .init(name: "empty statement list", json: #"{"Version": "2012-10-17", "Statement": []}"#, message: syntax),
        .init(name: "statement is a string", json: #"{"Version": "2012-10-17", "Statement": "x"}"#, message: syntax),
        .init(name: "principal", json: statement(#""Effect": "Allow", "Principal": "*", "Action": "a:b", "Resource": "*""#),
              message: "Policy document should not specify a principal."),
        .init(name: "not principal", json: statement(#""Effect": "Allow", "NotPrincipal": {"AWS": "*"}, "Action": "a:b", "Resource": "*""#),
              message: "Policy document should not specify a principal."),
        .init(name: "missing effect", json: statement(#""Action": "a:b", "Resource": "*""#), message: syntax),
        .init(name: "unknown effect", json: statement(#""Effect": "Permit", "Action": "a:b", "Resource": "*""#), message: syntax),
        .init(name: "lower-case effect", json: statement(#""Effect": "allow", "Action": "a:b", "Resource": "*""#), message: syntax),
        .init(name: "lower-case element name", json: statement(#""effect": "Allow", "Action": "a:b", "Resource": "*""#), message: syntax),
        .init(name: "missing action", json: statement(#""Effect": "Allow", "Resource": "*""#), message: "Policy statement must contain actions."),
        .init(name: "empty action list", json: statement(#""Effect": "Allow", "Action": [], "Resource": "*""#), message: "Policy statement must contain actions."),
        .init(name: "Action and NotAction", json: statement(#""Effect": "Allow", "Action": "a:b", "NotAction": "a:c", "Resource": "*""#), message: syntax),
        .init(name: "action is a number", json: statement(#""Effect": "Allow", "Action": 5, "Resource": "*""#), message: syntax),
        .init(name: "action without vendor", json: statement(#""Effect": "Allow", "Action": "InvokeEndpoint", "Resource": "*""#),
              message: "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
        .init(name: "action with two colons", json: statement(#""Effect": "Allow", "Action": "a:b:c", "Resource": "*""#),
              message: "Actions/Condition can contain only one colon."),
        .init(name: "missing resource", json: statement(#""Effect": "Allow", "Action": "a:b""#), message: "Policy statement must contain resources."),
        .init(name: "Resource and NotResource", json: statement(#""Effect": "Allow", "Action": "a:b", "Resource": "*", "NotResource": "*""#), message: syntax),
        .init(name: "resource not an ARN", json: statement(#""Effect": "Allow", "Action": "a:b", "Resource": "endpoint/x""#),
              message: #"Resource endpoint/x must be in ARN format or "*"."#),
        .init(name: "duplicate Sid", json: #"{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": "a:b", "Resource": "*"}, {"Sid": "A", "Effect": "Deny", "Action": "a:b", "Resource": "*"}]}"#,
              message: "Statement IDs (SID) in a single policy must be unique."),
        .init(name: "Sid with punctuation", json: statement(#""Sid": "a-b", "Effect": "Allow", "Action": "a:b", "Resource": "*""#),
              message: "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"),
        .init(name: "unknown condition operator", json: statement(#""Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {"StringEqualz": {"aws:x": "y"}}"#),
              message: "Invalid Condition type : StringEqualz."),
        .init(name: "Null with IfExists", json: statement(#""Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {"NullIfExists": {"aws:x": "true"}}"#),
              message: "Invalid Condition type : NullIfExists."),
        .init(name: "unknown set qualifier", json: statement(#""Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {"ForSomeValues:StringEquals": {"aws:x": "y"}}"#),
              message: "Invalid Condition type : ForSomeValues:StringEquals."),
        .init(name: "condition key without vendor", json: statement(#""Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {"StringEquals": {"username": "y"}}"#),
              message: "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
        .init(name: "condition value is an object", json: statement(#""Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {"StringEquals": {"aws:x": {"y": 1}}}"#), message: syntax),
        .init(name: "condition value is null", json: statement(#""Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {"StringEquals": {"aws:x": null}}"#), message: syntax),
        .init(name: "empty condition value list", json: statement(#""Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {"StringEquals": {"aws:x": []}}"#), message: syntax),
        .init(name: "unreadable number", json: statement(#""Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {"NumericLessThan": {"aws:x": "ten"}}"#),
              message: "Invalid value ten for condition operator NumericLessThan."),
        .init(name: "unreadable date", json: statement(#""Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "tomorrow"}}"#),
              message: "Invalid value tomorrow for condition operator DateLessThan."),
        .init(name: "unreadable address", json: statement(#""Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/40"}}"#),
              message: "Invalid value 10.0.0.0/40 for condition operator IpAddress."),
        .init(name: "unreadable bool", json: statement(#""Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "yes"}}"#),
              message: "Invalid value yes for condition operator Bool."),
    ]
}
