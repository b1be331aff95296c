import Foundation
import Testing

@testable import GangwayCore

@Suite("SigV4 building blocks against botocore")
struct SigV4PrimitivesTests {
    @Test("canonical URI equals botocore's", arguments: SigV4Vectors.canonicalPaths)
    func canonicalPath(raw: String, canonical: String) {
        #expect(SigV4CanonicalRequest.canonicalURI(rawPath: raw) == canonical)
    }

    @Test("canonical query equals botocore's", arguments: SigV4Vectors.canonicalQueries)
    func canonicalQuery(raw: String, canonical: String) {
        #expect(SigV4CanonicalRequest.canonicalQuery(rawQuery: raw) == canonical)
    }

    @Test("a loosely encoded query is normalised to RFC 3986")
    func looseQuery() {
        #expect(SigV4CanonicalRequest.canonicalQuery(rawQuery: "b=%7e&a=%2f&&c=x+y") == "a=%2F&b=~&c=x%2By")
    }

    @Test(
        "signing key derivation equals botocore's", arguments: SigV4Vectors.signingKeys.map { SigningKeyCase($0) })
    func signingKey(_ vector: SigningKeyCase) {
        let scope = SigV4CredentialScope(dateStamp: vector.dateStamp, region: vector.region, service: vector.service)
        let key = SigV4SigningKey(secretAccessKey: Secret(vector.secret), scope: scope)
        let hex = key.key.withUnsafeBytes { SigV4Encoding.lowerHex($0) }
        #expect(hex == vector.hex)
        // A key rebuilt from its bytes signs identically, so a cache may store either form.
        let rebuilt = key.key.withUnsafeBytes { SigV4SigningKey(rawBytes: Array($0)) }
        #expect(rebuilt.signature(for: "x") == key.signature(for: "x"))
        #expect(SigV4SigningKey(key: key.key).signature(for: "x") == key.signature(for: "x"))
    }

    @Test("dates format like botocore and parse back", arguments: SigV4Vectors.dates.map { DateCase($0) })
    func dates(_ vector: DateCase) {
        let date = Date(timeIntervalSince1970: vector.epoch)
        let whole = Date(timeIntervalSince1970: vector.epoch.rounded(.down))
        #expect(SigV4Time.amzDate(date) == vector.amzDate)
        #expect(SigV4Time.dateStamp(date) == String(vector.amzDate.prefix(8)))
        #expect(SigV4Time.parseAmzDate(vector.amzDate) == whole)
        #expect(SigV4Time.httpDate(date) == vector.httpDate)
        #expect(SigV4Time.parseHTTPDate(vector.httpDate) == whole)
    }

    @Test(
        "malformed X-Amz-Date values are refused",
        arguments: [
            "", "20240506T070809", "20240506 070809Z", "2024-05-06T07:08:09Z", "20240230T000000Z", "20230229T000000Z",
            "20241301T000000Z", "20240506T240000Z", "20240506T076009Z", "20240506T070860Z", "2024O506T070809Z",
            "+0240506T070809Z", "20240506T070809ZZ",
        ])
    func badAmzDate(_ text: String) {
        #expect(SigV4Time.parseAmzDate(text) == nil)
    }

    @Test(
        "HTTP dates in the accepted zones parse; others do not",
        arguments: [
            ("Mon, 06 May 2024 07:08:09 GMT", true), ("06 May 2024 07:08:09 UTC", true),
            ("Mon, 06 May 2024 07:08:09 +0000", true), ("Mon, 06 May 2024 07:08:09 +0100", false),
            ("Mon, 06 Mai 2024 07:08:09 GMT", false), ("Mon, 31 Jun 2024 07:08:09 GMT", false),
            ("Xyz, 06 May 2024 07:08:09 GMT", false), ("Mon, 06 May 2024 7:08:09 GMT", false), ("", false),
        ])
    func httpDates(text: String, valid: Bool) {
        let parsed = SigV4Time.parseHTTPDate(text)
        #expect((parsed != nil) == valid)
        if valid { #expect(parsed == Date(timeIntervalSince1970: 1_714_979_289)) }
    }

    @Test("base64 encodes like Python and decodes back", arguments: SigV4Vectors.base64.map { Base64Case($0) })
    func base64(_ vector: Base64Case) {
        #expect(StrictBase64.encode(Array(vector.plain.utf8)) == vector.encoded)
        if vector.encoded.isEmpty {
            #expect(StrictBase64.decode(Substring(vector.encoded)) == nil)
        } else {
            #expect(StrictBase64.decode(Substring(vector.encoded)) == Array(vector.plain.utf8))
        }
    }

    @Test(
        "non-canonical base64 is refused",
        arguments: ["Zg", "Zg=", "Zh==", "Zm9=", "Z===", "Zm9v=", "Zm 9v", "Zm-v", "Zm_v", "=Zm9", "Zg==Zg==", "Zm8=Zm8="])
    func strictBase64(_ text: String) {
        #expect(StrictBase64.decode(Substring(text)) == nil)
    }

    @Test(
        "trimall collapses whitespace as botocore does",
        arguments: [("  a   b  ", "a b"), ("a\tb\nc", "a b c"), ("", ""), ("   ", ""), ("x", "x"), ("a\u{1F}b", "a b")])
    func trimAll(input: String, expected: String) {
        #expect(SigV4Encoding.trimAll(input) == expected)
    }

    @Test(
        "constant-time comparison",
        arguments: [([UInt8](), [UInt8](), true), ([1, 2, 3], [1, 2, 3], true), ([1, 2, 3], [1, 2, 4], false),
            ([1, 2, 3], [1, 2], false), ([0], [128], false)])
    func constantTime(lhs: [UInt8], rhs: [UInt8], equal: Bool) {
        #expect(ConstantTime.equals(lhs, rhs) == equal)
    }

    @Test("keys and secrets never print themselves")
    func redaction() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        let scope = SigV4CredentialScope(dateStamp: "20240506", region: "us-east-1", service: "sagemaker")
        let key = SigV4SigningKey(secretAccessKey: Secret(secret), scope: scope)
        let keyHex = key.key.withUnsafeBytes { SigV4Encoding.lowerHex($0) }
        let signer = SigV4Signer(accessKeyId: "AKID", secretAccessKey: Secret(secret), region: "us-east-1", service: "iam")
        for text in ["\(key)", String(reflecting: key), "\(signer)", String(reflecting: signer)] {
            #expect(!text.contains(secret))
            #expect(!text.contains(keyHex))
        }
    }
}

struct SigningKeyCase: Sendable, CustomTestStringConvertible {
    var secret, dateStamp, region, service, hex: String
    init(_ t: (secret: String, dateStamp: String, region: String, service: String, hex: String)) {
        (secret, dateStamp, region, service, hex) = (t.secret, t.dateStamp, t.region, t.service, t.hex)
    }
    var testDescription: String { "\(dateStamp)/\(region)/\(service)" }
}

struct DateCase: Sendable, CustomTestStringConvertible {
    var epoch: Double
    var amzDate, httpDate: String
    init(_ t: (epoch: Double, amzDate: String, httpDate: String)) {
        (epoch, amzDate, httpDate) = (t.epoch, t.amzDate, t.httpDate)
    }
    var testDescription: String { amzDate }
}

struct Base64Case: Sendable, CustomTestStringConvertible {
    var plain, encoded: String
    init(_ t: (plain: String, encoded: String)) { (plain, encoded) = (t.plain, t.encoded) }
    var testDescription: String { encoded.isEmpty ? "(empty)" : encoded }
}
