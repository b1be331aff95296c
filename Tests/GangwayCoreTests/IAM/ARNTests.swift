import Testing

@testable import GangwayCore

@Suite("ARNs")
struct ARNTests {
    @Test(
        "parse and format round-trip",
        arguments: [
            ("arn:aws:sagemaker:us-east-1:123456789012:endpoint/name", "aws", "sagemaker", "us-east-1", "123456789012", "endpoint/name"),
            ("arn:aws:iam::123456789012:user/alice", "aws", "iam", "", "123456789012", "user/alice"),
            ("arn:aws:iam::123456789012:user/division/alice", "aws", "iam", "", "123456789012", "user/division/alice"),
            ("arn:aws:s3:::bucket/key:with:colons", "aws", "s3", "", "", "bucket/key:with:colons"),
            ("arn:aws-cn:sagemaker:cn-north-1:1:inference-component/x", "aws-cn", "sagemaker", "cn-north-1", "1", "inference-component/x"),
            ("arn:aws:sts::123456789012:assumed-role/r/s", "aws", "sts", "", "123456789012", "assumed-role/r/s"),
        ])
    func roundTrip(text: String, partition: String, service: String, region: String, account: String, resource: String) throws {
        let arn = try #require(ARN(text))
        #expect(arn == ARN(partition: partition, service: service, region: region, account: account, resource: resource))
        #expect(arn.description == text)
    }

    @Test(
        "malformed ARNs are refused",
        arguments: ["", "arn", "arn:aws:iam::123", "arn:aws:iam:x:y", "urn:aws:iam::1:user/a", "arn::iam::1:user/a", "arn:aws:::1:x", "ARN:aws:iam::1:user/a"])
    func malformed(_ text: String) {
        #expect(ARN(text) == nil)
    }

    @Test("Gangway's resource ARNs")
    func builders() {
        #expect(ARN.sagemakerEndpoint(name: "Qwen", region: "us-east-1", account: "123456789012").description
            == "arn:aws:sagemaker:us-east-1:123456789012:endpoint/qwen")
        #expect(ARN.sagemakerInferenceComponent(name: "General", region: "eu-west-1", account: "1").description
            == "arn:aws:sagemaker:eu-west-1:1:inference-component/general")
        #expect(ARN.iamUser(name: "alice", account: "123456789012").description == "arn:aws:iam::123456789012:user/alice")
        #expect(ARN.iamRole(name: "r", account: "1", path: "/svc/").description == "arn:aws:iam::1:role/svc/r")
        let user = ARN.iamUser(name: "alice", account: "1", path: "/div/")
        #expect(user.resourceType == "user")
        #expect(user.resourceName == "alice")
    }
}

@Suite("Wildcards")
struct WildcardTests {
    @Test(
        "glob matching",
        arguments: [
            ("*", "", true), ("*", "anything:at/all", true), ("a*", "abc", true), ("a*c", "ac", true), ("a*c", "abcbc", true),
            ("a*c", "abcb", false), ("a?c", "abc", true), ("a?c", "ac", false), ("a?c", "a\u{e9}c", true),
            ("*a*a*a*b", String(repeating: "a", count: 200), false), ("arn:aws:*:*:*:endpoint/*", "arn:aws:sagemaker:us-east-1:1:endpoint/x", true),
            ("endpoint/q*", "endpoint/Qwen", false), ("", "", true), ("", "a", false), ("**", "x", true), ("?*", "", false),
        ])
    func glob(pattern: String, text: String, expected: Bool) {
        #expect(WildcardPattern(pattern).matches(text) == expected)
    }

    @Test(
        "case folding",
        arguments: [("sagemaker:invoke*", "sagemaker:InvokeEndpoint", true), ("SageMaker:InvokeEndpoint", "sagemaker:invokeendpoint", true),
            ("sagemaker:Invoke?ndpoint", "SAGEMAKER:INVOKEENDPOINT", true), ("s3:*", "sagemaker:x", false)])
    func folding(pattern: String, text: String, expected: Bool) {
        #expect(WildcardPattern(pattern).matches(text, foldCase: true) == expected)
    }

    @Test("without wildcards, * and ? are literal")
    func literal() {
        #expect(WildcardPattern("a*", wildcards: false).matches("a*"))
        #expect(!WildcardPattern("a*", wildcards: false).matches("ab"))
    }
}

@Suite("Condition values")
struct ConditionValueTests {
    @Test(
        "dates in ISO 8601 or epoch",
        arguments: [
            ("2024-05-06T07:08:09Z", 1_714_979_289.0), ("2024-05-06T07:08:09.5Z", 1_714_979_289.5),
            ("2024-05-06T09:08:09+02:00", 1_714_979_289.0), ("2024-05-06T02:08:09-0500", 1_714_979_289.0),
            ("2024-05-06T07:08Z", 1_714_979_280.0), ("2024-05-06", 1_714_953_600.0), ("1714979289", 1_714_979_289.0),
            ("2024-05-06T07:08:09", 1_714_979_289.0),
        ])
    func dates(text: String, epoch: Double) {
        #expect(ConditionValue.date(text) == epoch)
    }

    @Test("unreadable dates", arguments: ["", "yesterday", "2024-13-01", "2024-02-30T00:00:00Z", "2024-05-06T07:08:09+25:00", "2024-05-06X07:08:09Z", "-1"])
    func badDates(_ text: String) {
        #expect(ConditionValue.date(text) == nil)
    }

    @Test(
        "IP ranges",
        arguments: [
            ("203.0.113.0/24", "203.0.113.77", true), ("203.0.113.0/24", "203.0.114.1", false), ("10.0.0.1", "10.0.0.1", true),
            ("10.0.0.1", "10.0.0.2", false), ("0.0.0.0/0", "192.0.2.1", true), ("10.0.0.0/8", "::ffff:10.1.2.3", true),
            ("2001:db8::/32", "2001:db8:1::5", true), ("2001:db8::/32", "2001:db9::1", false), ("::1", "::1", true),
            ("2001:db8::/32", "10.0.0.1", false), ("10.0.0.0/8", "2001:db8::1", false), ("192.0.2.128/25", "192.0.2.127", false),
            ("192.0.2.128/25", "192.0.2.200", true), ("fe80::1:2:3:4:5/128", "fe80:0:0:1:2:3:4:5", true),
        ])
    func ipRanges(range: String, address: String, expected: Bool) throws {
        let parsed = try #require(IPAddressRange(range))
        #expect(parsed.contains(address) == expected)
    }

    @Test("unreadable IP ranges", arguments: ["", "10.0.0", "10.0.0.256", "10.0.0.01", "10.0.0.0/33", "::/129", "1::2::3", "12345::", "10.0.0.0/", "g::1"])
    func badRanges(_ text: String) {
        #expect(IPAddressRange(text) == nil)
    }
}
