import Testing

@testable import GangwayMockModel

@Suite struct JSONParserTests {
    static let validDocuments: [(String, JSONValue)] = [
        ("null", .null),
        (" true ", .bool(true)),
        ("false", .bool(false)),
        ("0", .number(0)),
        ("-12", .number(-12)),
        ("3.25", .number(3.25)),
        ("1e3", .number(1000)),
        ("-2.5E-1", .number(-0.25)),
        ("-1234567890123456", .number(-1_234_567_890_123_456)),
        ("123456789012345678", .number(123_456_789_012_345_680)),
        (#""plain""#, .string("plain")),
        (#""a\"b\\c\/d\n\t\r\b\f""#, .string("a\"b\\c/d\n\t\r\u{08}\u{0C}")),
        (#""caf\u00e9 \u65e5""#, .string("café 日")),
        (#""\ud83d\ude80""#, .string("🚀")),
        (#""\ud83d x""#, .string("\u{FFFD} x")),
        ("\"日本 👋🏽\"", .string("日本 👋🏽")),
        ("[]", .array([])),
        ("[1, [2], {}]", .array([.number(1), .array([.number(2)]), .object([])])),
        (
            #"{"b": 1, "a": [true, null], "b": "x"}"#,
            .object([
                JSONMember(key: "b", value: .number(1)),
                JSONMember(key: "a", value: .array([.bool(true), .null])),
                JSONMember(key: "b", value: .string("x")),
            ])
        ),
    ]

    @Test(arguments: validDocuments)
    func parsesValidDocument(text: String, expected: JSONValue) throws {
        #expect(try JSONParser.parse(text) == expected)
    }

    static let invalidDocuments: [(String, Int)] = [
        ("", 0),
        ("{", 1),
        ("{bad}", 1),
        (#"{"a" 1}"#, 5),
        ("[1,]", 3),
        ("[1 2]", 3),
        ("01", 1),
        ("-", 1),
        ("1.", 2),
        ("1e", 2),
        ("tru", 0),
        ("nul", 0),
        (#""abc"#, 4),
        ("\"a\u{01}\"", 2),
        (#""\x""#, 3),
        (#""\u12G4""#, 5),
        ("{} x", 3),
    ]

    @Test(arguments: invalidDocuments)
    func rejectsInvalidDocumentAtOffset(text: String, offset: Int) {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch {
            #expect(error.offset == offset)
        }
    }

    @Test func boundsNesting() throws {
        let deep = String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(deep) }
        let allowed = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect(try JSONParser.parse(allowed).arrayValue?.count == 1)
    }

    @Test func lookupTakesLastDuplicateKey() throws {
        let value = try JSONParser.parse(#"{"k": 1, "k": 2}"#)
        #expect(value["k"]?.intValue == 2)
        #expect(value["missing"] == nil)
        #expect(JSONValue.number(1.5).intValue == nil)
    }

    static let escapes: [(String, String)] = [
        ("plain", "\"plain\""),
        ("quote\" back\\slash", #""quote\" back\\slash""#),
        ("line\nfeed\ttab\r", #""line\nfeed\ttab\r""#),
        ("\u{01}\u{1F}", #""\u0001\u001f""#),
        ("日本 🚀", "\"日本 🚀\""),
    ]

    @Test(arguments: escapes)
    func writesEscapedStringsThatParseBack(text: String, expected: String) throws {
        #expect(JSONText.quoted(text) == expected)
        #expect(try JSONParser.parse(expected) == .string(text))
    }
}
