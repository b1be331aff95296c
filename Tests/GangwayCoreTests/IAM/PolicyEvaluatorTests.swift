import Testing

@testable import GangwayCore

@Suite("Policy evaluation")
struct PolicyEvaluatorTests {
    @Test("decision table", arguments: DecisionCase.all)
    func decision(_ testCase: DecisionCase) throws {
        let policies = try testCase.policies.map { try PolicyDocument(json: $0) }
        let request = AuthorizationRequest(action: testCase.action, resource: testCase.resource, context: ConditionContext(testCase.context))
        let decision = PolicyEvaluator.evaluate(request, policies: policies)
        #expect(decision.outcome == testCase.outcome)
        #expect(decision.statement.map { [$0.policyIndex, $0.statementIndex] } == testCase.statement)
        #expect(decision.isAllowed == (testCase.outcome == .allow))
    }

    @Test("condition operators", arguments: ConditionCase.all)
    func condition(_ testCase: ConditionCase) throws {
        let json = """
            {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
             "Condition": {\(testCase.condition)}}}
            """
        let policy = try PolicyDocument(json: json)
        let request = AuthorizationRequest(action: "sagemaker:InvokeEndpoint", resource: DecisionCase.endpoint, context: ConditionContext(testCase.context))
        #expect(PolicyEvaluator.evaluate(request, policies: [policy]).isAllowed == testCase.holds)
    }

    @Test("the deciding statement is named for the log")
    func reference() throws {
        let policy = try PolicyDocument(json: #"{"Version": "2012-10-17", "Statement": [{"Sid": "NoIAM", "Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}"#)
        let decision = PolicyEvaluator.evaluate(AuthorizationRequest(action: "iam:CreateUser", resource: "arn:aws:iam::1:user/a"), policies: [policy])
        #expect(decision == AuthorizationDecision(.explicitDeny, statement: StatementReference(policyIndex: 0, statementIndex: 0, sid: "NoIAM")))
        #expect(decision.description == "explicitDeny by policy[0].Statement[0] (Sid NoIAM)")
        #expect(AuthorizationDecision(.implicitDeny).description == "implicitDeny")
    }

    @Test("the request context helper fills the global keys")
    func requestContext() {
        let context = ConditionContext.request(
            now: .init(timeIntervalSince1970: 1_714_979_289.9), sourceIp: "192.0.2.1", secureTransport: false,
            principalArn: "arn:aws:iam::1:user/alice", username: "alice", userid: "AIDAEXAMPLE",
            tokenIssueTime: .init(timeIntervalSince1970: 1_714_979_000))
        #expect(context["aws:currenttime"] == ["2024-05-06T07:08:09Z"])
        #expect(context["AWS:EpochTime"] == ["1714979289"])
        #expect(context["aws:SecureTransport"] == ["false"])
        #expect(context["aws:SourceIp"] == ["192.0.2.1"])
        #expect(context["aws:PrincipalArn"] == ["arn:aws:iam::1:user/alice"])
        #expect(context["aws:username"] == ["alice"])
        #expect(context["aws:userid"] == ["AIDAEXAMPLE"])
        #expect(context["aws:TokenIssueTime"] == ["2024-05-06T07:03:20Z"])
        #expect(ConditionContext.request(now: .init(timeIntervalSince1970: 0), secureTransport: true)["aws:username"] == nil)
    }
}

struct DecisionCase: Sendable, CustomTestStringConvertible {
    var name: String
    var policies: [String]
    var action = "sagemaker:InvokeEndpoint"
    var resource = endpoint
    var context: [String: [String]] = [:]
    var outcome: AuthorizationDecision.Outcome
    /// `[policy, statement]` of the deciding statement.
    var statement: [Int]?

    var testDescription: String { name }

    static let endpoint = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/qwen"

    static func policy(_ statements: String, version: String = "2012-10-17") -> String {
        #"{"Version": "\#(version)", "Statement": [\#(statements)]}"#
    }

    static func allow(_ action: String = "*", _ resource: String = "*", extra: String = "") -> String {
        #"{"Effect": "Allow", "Action": \#(action.hasPrefix("[") ? action : "\"\(action)\""), "Resource": \#(resource.hasPrefix("[") ? resource : "\"\(resource)\"")\#(extra)}"#
    }

    static func deny(_ action: String = "*", _ resource: String = "*") -> String {
        #"{"Effect": "Deny", "Action": "\#(action)", "Resource": "\#(resource)"}"#
    }

    static let all: [DecisionCase] = [
        .init(name: "allow everything", policies: [policy(allow())], outcome: .allow, statement: [0, 0]),
        .init(name: "no policies", policies: [], outcome: .implicitDeny),
        .init(name: "other action only", policies: [policy(allow("sagemaker:CallWithBearerToken"))], outcome: .implicitDeny),
        .init(name: "deny beats allow in the same policy", policies: [policy(allow() + "," + deny("sagemaker:Invoke*"))],
              outcome: .explicitDeny, statement: [0, 1]),
        .init(name: "deny in a later policy beats allow", policies: [policy(allow()), policy(deny())], outcome: .explicitDeny, statement: [1, 0]),
        .init(name: "deny for another action does not apply", policies: [policy(allow() + "," + deny("iam:*"))], outcome: .allow, statement: [0, 0]),
        .init(name: "first matching allow is reported", policies: [policy(allow("iam:*") + "," + allow("sagemaker:*") + "," + allow())],
              outcome: .allow, statement: [0, 1]),
        .init(name: "action names ignore case", policies: [policy(allow("SageMaker:invokeendpoint"))], outcome: .allow, statement: [0, 0]),
        .init(name: "action prefix wildcard", policies: [policy(allow("sagemaker:Invoke*"))], outcome: .allow, statement: [0, 0]),
        .init(name: "action prefix wildcard misses", policies: [policy(allow("sagemaker:Invoke*"))], action: "sagemaker:CallWithBearerToken", outcome: .implicitDeny),
        .init(name: "action ? wildcard", policies: [policy(allow("sagemaker:InvokeEndpoin?"))], outcome: .allow, statement: [0, 0]),
        .init(name: "action list", policies: [policy(allow(#"["iam:GetUser", "sagemaker:InvokeEndpoint"]"#))], outcome: .allow, statement: [0, 0]),
        .init(name: "service wildcard does not cross services", policies: [policy(allow("sage:*"))], outcome: .implicitDeny),
        .init(name: "resource exact", policies: [policy(allow("*", endpoint))], outcome: .allow, statement: [0, 0]),
        .init(name: "resource is case-sensitive", policies: [policy(allow("*", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/Qwen"))], outcome: .implicitDeny),
        .init(name: "resource wildcard", policies: [policy(allow("*", "arn:aws:sagemaker:*:123456789012:endpoint/*"))], outcome: .allow, statement: [0, 0]),
        .init(name: "resource wildcard of another type", policies: [policy(allow("*", "arn:aws:sagemaker:*:*:inference-component/*"))], outcome: .implicitDeny),
        .init(name: "resource ? wildcard", policies: [policy(allow("*", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/qwe?"))], outcome: .allow, statement: [0, 0]),
        .init(name: "NotAction allows the rest", policies: [policy(#"{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}"#)], outcome: .allow, statement: [0, 0]),
        .init(name: "NotAction excludes its actions", policies: [policy(#"{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}"#)],
              action: "iam:CreateUser", resource: "arn:aws:iam::123456789012:user/a", outcome: .implicitDeny),
        .init(name: "NotAction is case-insensitive", policies: [policy(#"{"Effect": "Allow", "NotAction": "SAGEMAKER:*", "Resource": "*"}"#)], outcome: .implicitDeny),
        .init(name: "Deny with NotResource hits other resources",
              policies: [policy(allow() + #", {"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:sagemaker:*:*:endpoint/public"}"#)],
              outcome: .explicitDeny, statement: [0, 1]),
        .init(name: "Deny with NotResource spares its resource",
              policies: [policy(allow() + #", {"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:sagemaker:*:*:endpoint/qwen"}"#)],
              outcome: .allow, statement: [0, 0]),
        .init(name: "policy variable in resource", policies: [policy(allow("iam:GetUser", "arn:aws:iam::123456789012:user/${aws:username}"))],
              action: "iam:GetUser", resource: "arn:aws:iam::123456789012:user/alice", context: ["aws:username": ["alice"]], outcome: .allow, statement: [0, 0]),
        .init(name: "policy variable for another user", policies: [policy(allow("iam:GetUser", "arn:aws:iam::123456789012:user/${aws:username}"))],
              action: "iam:GetUser", resource: "arn:aws:iam::123456789012:user/bob", context: ["aws:username": ["alice"]], outcome: .implicitDeny),
        .init(name: "policy variable key is case-insensitive", policies: [policy(allow("iam:GetUser", "arn:aws:iam::123456789012:user/${AWS:UserName}"))],
              action: "iam:GetUser", resource: "arn:aws:iam::123456789012:user/alice", context: ["aws:username": ["alice"]], outcome: .allow, statement: [0, 0]),
        .init(name: "policy variable value is literal", policies: [policy(allow("iam:GetUser", "arn:aws:iam::123456789012:user/${aws:username}"))],
              action: "iam:GetUser", resource: "arn:aws:iam::123456789012:user/alice", context: ["aws:username": ["a*"]], outcome: .implicitDeny),
        .init(name: "policy variable without a value", policies: [policy(allow("iam:GetUser", "arn:aws:iam::123456789012:user/${aws:username}"))],
              action: "iam:GetUser", resource: "arn:aws:iam::123456789012:user/", outcome: .implicitDeny),
        .init(name: "policy variables are text in 2008-10-17", policies: [policy(allow("iam:GetUser", "arn:aws:iam::123456789012:user/${aws:username}"), version: "2008-10-17")],
              action: "iam:GetUser", resource: "arn:aws:iam::123456789012:user/alice", context: ["aws:username": ["alice"]], outcome: .implicitDeny),
        .init(name: "escaped wildcard variable is a literal star", policies: [policy(allow("*", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/${*}"))],
              resource: "arn:aws:sagemaker:us-east-1:123456789012:endpoint/*", outcome: .allow, statement: [0, 0]),
        .init(name: "escaped wildcard variable does not glob", policies: [policy(allow("*", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/${*}"))],
              outcome: .implicitDeny),
        .init(name: "unexpandable variable drops a NotResource deny", policies: [policy(allow() + #", {"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:iam::1:user/${aws:username}"}"#)],
              outcome: .allow, statement: [0, 0]),
        .init(name: "unexpandable variable skips only its pattern", policies: [policy(allow("*", #"["arn:aws:iam::1:user/${aws:username}", "*"]"#))],
              outcome: .allow, statement: [0, 0]),
        .init(name: "condition failing makes the allow not apply",
              policies: [policy(allow(extra: #", "Condition": {"StringEquals": {"aws:username": "alice"}}"#))], context: ["aws:username": ["bob"]], outcome: .implicitDeny),
        .init(name: "condition failing makes the deny not apply",
              policies: [policy(allow() + "," + #"{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#)],
              context: ["aws:SecureTransport": ["true"]], outcome: .allow, statement: [0, 0]),
        .init(name: "deny on insecure transport",
              policies: [policy(allow() + "," + #"{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#)],
              context: ["aws:SecureTransport": ["false"]], outcome: .explicitDeny, statement: [0, 1]),
    ]
}

struct ConditionCase: Sendable, CustomTestStringConvertible {
    var condition: String
    var context: [String: [String]]
    var holds: Bool

    var testDescription: String { "\(condition) with \(context) → \(holds)" }

    init(_ condition: String, _ context: [String: [String]], _ holds: Bool) {
        self.condition = condition
        self.context = context
        self.holds = holds
    }

    static let alice: [String: [String]] = ["aws:username": ["alice"]]
    static let now: [String: [String]] = ["aws:CurrentTime": ["2024-05-06T07:08:09Z"], "aws:EpochTime": ["1714979289"]]
    static let tags: [String: [String]] = ["aws:TagKeys": ["a", "b"]]

    static let all: [ConditionCase] = [
        .init(#""StringEquals": {"aws:username": "alice"}"#, alice, true),
        .init(#""StringEquals": {"aws:username": "Alice"}"#, alice, false),
        .init(#""StringEquals": {"aws:username": ["bob", "alice"]}"#, alice, true),
        .init(#""StringEquals": {"aws:username": "alice"}"#, [:], false),
        .init(#""StringEquals": {"aws:username": "a*"}"#, alice, false),
        .init(#""StringEquals": {"AWS:UserName": "alice"}"#, alice, true),
        .init(#""StringEquals": {"aws:userid": "${aws:username}"}"#, ["aws:userid": ["alice"], "aws:username": ["alice"]], true),
        .init(#""StringEquals": {"aws:userid": "${aws:username}"}"#, ["aws:userid": ["alice"]], false),
        .init(#""StringNotEquals": {"aws:username": "bob"}"#, alice, true),
        .init(#""StringNotEquals": {"aws:username": ["bob", "alice"]}"#, alice, false),
        .init(#""StringNotEquals": {"aws:username": "bob"}"#, [:], true),
        .init(#""StringEqualsIgnoreCase": {"aws:username": "ALICE"}"#, alice, true),
        .init(#""StringEqualsIgnoreCase": {"aws:username": "bob"}"#, alice, false),
        .init(#""StringNotEqualsIgnoreCase": {"aws:username": "ALICE"}"#, alice, false),
        .init(#""StringNotEqualsIgnoreCase": {"aws:username": "BOB"}"#, alice, true),
        .init(#""StringLike": {"aws:username": "a*"}"#, alice, true),
        .init(#""StringLike": {"aws:username": "a?ice"}"#, alice, true),
        .init(#""StringLike": {"aws:username": "A*"}"#, alice, false),
        .init(#""StringLike": {"aws:username": ["b*", "*ce"]}"#, alice, true),
        .init(#""StringNotLike": {"aws:username": "a*"}"#, alice, false),
        .init(#""StringNotLike": {"aws:username": "b*"}"#, alice, true),
        .init(#""ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/alice"}"#, ["aws:PrincipalArn": ["arn:aws:iam::123456789012:user/alice"]], true),
        .init(#""ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/bob"}"#, ["aws:PrincipalArn": ["arn:aws:iam::123456789012:user/alice"]], false),
        .init(#""ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/*"}"#, ["aws:PrincipalArn": ["arn:aws:iam::123456789012:user/alice"]], true),
        .init(#""ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}"#, ["aws:PrincipalArn": ["arn:aws:iam::123456789012:user/alice"]], false),
        .init(#""ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*"}"#, ["aws:PrincipalArn": ["arn:aws:iam::123456789012:user/alice"]], false),
        .init(#""ArnLike": {"aws:PrincipalArn": "arn:aws:iam::1*:user/alice"}"#, ["aws:PrincipalArn": ["not-an-arn"]], false),
        .init(#""ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/bob"}"#, ["aws:PrincipalArn": ["arn:aws:iam::123456789012:user/alice"]], true),
        .init(#""ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/a*"}"#, ["aws:PrincipalArn": ["arn:aws:iam::123456789012:user/alice"]], false),
        .init(#""IpAddress": {"aws:SourceIp": "192.0.2.0/24"}"#, ["aws:SourceIp": ["192.0.2.10"]], true),
        .init(#""IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]}"#, ["aws:SourceIp": ["198.51.100.1"]], false),
        .init(#""IpAddress": {"aws:SourceIp": "2001:db8::/32"}"#, ["aws:SourceIp": ["2001:db8::7"]], true),
        .init(#""NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}"#, ["aws:SourceIp": ["192.0.2.10"]], false),
        .init(#""NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}"#, ["aws:SourceIp": ["203.0.113.1"]], true),
        .init(#""DateLessThan": {"aws:CurrentTime": "2025-01-01T00:00:00Z"}"#, now, true),
        .init(#""DateLessThan": {"aws:CurrentTime": "2024-05-06T07:08:09Z"}"#, now, false),
        .init(#""DateLessThanEquals": {"aws:CurrentTime": "2024-05-06T07:08:09Z"}"#, now, true),
        .init(#""DateGreaterThan": {"aws:CurrentTime": "2024-01-01"}"#, now, true),
        .init(#""DateGreaterThanEquals": {"aws:CurrentTime": "2024-05-06T07:08:10Z"}"#, now, false),
        .init(#""DateEquals": {"aws:CurrentTime": "1714979289"}"#, now, true),
        .init(#""DateEquals": {"aws:EpochTime": "2024-05-06T09:08:09+02:00"}"#, now, true),
        .init(#""DateNotEquals": {"aws:CurrentTime": "2024-05-06T07:08:09Z"}"#, now, false),
        .init(#""DateNotEquals": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}"#, now, true),
        .init(#""NumericEquals": {"gangway:MaxTokens": 10}"#, ["gangway:MaxTokens": ["10.0"]], true),
        .init(#""NumericNotEquals": {"gangway:MaxTokens": "10"}"#, ["gangway:MaxTokens": ["10"]], false),
        .init(#""NumericLessThan": {"gangway:MaxTokens": "11"}"#, ["gangway:MaxTokens": ["10"]], true),
        .init(#""NumericLessThan": {"gangway:MaxTokens": "10"}"#, ["gangway:MaxTokens": ["10"]], false),
        .init(#""NumericLessThanEquals": {"gangway:MaxTokens": "10"}"#, ["gangway:MaxTokens": ["10"]], true),
        .init(#""NumericGreaterThan": {"gangway:MaxTokens": "9.5"}"#, ["gangway:MaxTokens": ["10"]], true),
        .init(#""NumericGreaterThanEquals": {"gangway:MaxTokens": "11"}"#, ["gangway:MaxTokens": ["10"]], false),
        .init(#""NumericLessThan": {"gangway:MaxTokens": "11"}"#, ["gangway:MaxTokens": ["ten"]], false),
        .init(#""Bool": {"aws:SecureTransport": "true"}"#, ["aws:SecureTransport": ["true"]], true),
        .init(#""Bool": {"aws:SecureTransport": true}"#, ["aws:SecureTransport": ["TRUE"]], true),
        .init(#""Bool": {"aws:SecureTransport": "true"}"#, ["aws:SecureTransport": ["false"]], false),
        .init(#""Bool": {"aws:SecureTransport": "true"}"#, [:], false),
        .init(#""Null": {"aws:TokenIssueTime": "true"}"#, [:], true),
        .init(#""Null": {"aws:TokenIssueTime": "true"}"#, ["aws:TokenIssueTime": ["2024-05-06T07:08:09Z"]], false),
        .init(#""Null": {"aws:TokenIssueTime": "false"}"#, ["aws:TokenIssueTime": ["2024-05-06T07:08:09Z"]], true),
        .init(#""Null": {"aws:TokenIssueTime": false}"#, [:], false),
        .init(#""StringEqualsIfExists": {"aws:username": "alice"}"#, [:], true),
        .init(#""StringEqualsIfExists": {"aws:username": "bob"}"#, alice, false),
        .init(#""StringEqualsIfExists": {"aws:username": "alice"}"#, alice, true),
        .init(#""NumericLessThanIfExists": {"gangway:MaxTokens": "5"}"#, [:], true),
        .init(#""DateGreaterThanIfExists": {"aws:TokenIssueTime": "2024-05-06T00:00:00Z"}"#, ["aws:TokenIssueTime": ["2024-05-05T00:00:00Z"]], false),
        .init(#""IpAddressIfExists": {"aws:SourceIp": "10.0.0.0/8"}"#, [:], true),
        .init(#""StringNotEqualsIfExists": {"aws:username": "alice"}"#, alice, false),
        .init(#""ForAnyValue:StringEquals": {"aws:TagKeys": "b"}"#, tags, true),
        .init(#""ForAnyValue:StringEquals": {"aws:TagKeys": "c"}"#, tags, false),
        .init(#""ForAnyValue:StringEquals": {"aws:TagKeys": "a"}"#, [:], false),
        .init(#""ForAnyValue:StringNotLike": {"aws:TagKeys": "a"}"#, tags, true),
        .init(#""ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b", "c"]}"#, tags, true),
        .init(#""ForAllValues:StringEquals": {"aws:TagKeys": ["a", "c"]}"#, tags, false),
        .init(#""ForAllValues:StringEquals": {"aws:TagKeys": "a"}"#, [:], true),
        .init(#""ForAllValues:StringLikeIfExists": {"aws:TagKeys": "?"}"#, tags, true),
        .init(#""StringEquals": {"aws:TagKeys": "b"}"#, tags, true),
        .init(#""StringNotEquals": {"aws:TagKeys": "b"}"#, tags, false),
        .init(#""StringEquals": {"aws:username": "alice", "aws:userid": "AID1"}"#, ["aws:username": ["alice"], "aws:userid": ["AID1"]], true),
        .init(#""StringEquals": {"aws:username": "alice", "aws:userid": "AID1"}"#, ["aws:username": ["alice"], "aws:userid": ["AID2"]], false),
        .init(#""StringEquals": {"aws:username": "alice"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}"#, ["aws:username": ["alice"], "aws:SourceIp": ["10.1.1.1"]], true),
        .init(#""StringEquals": {"aws:username": "alice"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}"#, ["aws:username": ["alice"], "aws:SourceIp": ["11.1.1.1"]], false),
    ]
}

@Suite("Policy variable detection")
struct PolicyVariableDetectionTests {
    @Test("only `${` marks a possible variable", arguments: [
        ("arn:aws:iam::1:user/${aws:username}", true), ("${*}", true), ("a$${b", true),
        ("arn:aws:sagemaker:*:*:endpoint/demo", false), ("$", false), ("{$}", false), ("$ {x}", false), ("", false),
    ])
    func detection(text: String, expected: Bool) {
        #expect(PolicyVariables.mayHoldVariable(text) == expected)
    }
}

@Suite("Policies that read the request context")
struct ReadsRequestContextTests {
    @Test("conditions and 2012-10-17 variables read it; plain patterns and 2008 text do not", arguments: [
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:*","Resource":"*"}]}"#, false),
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#, true),
        (#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::1:user/${aws:username}"}]}"#, true),
        (#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::1:user/${aws:username}"}]}"#, false),
    ])
    func reads(json: String, expected: Bool) throws {
        #expect(try PolicyDocument(json: json).readsRequestContext == expected)
    }
}
