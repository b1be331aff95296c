import GangwayCore
import Testing

@Suite("JSON probe")
struct JSONProbeTests {
    @Test(
        "well-formed objects and the facts read from them",
        arguments: [
            (#"{}"#, false, false),
            (#"{"stream":true}"#, true, false),
            (#" { "stream" : false , "x":1 } "#, false, false),
            (#"{"stream":"true"}"#, false, false),
            (#"{"stream":true,"stream_options":{"include_usage":true}}"#, true, true),
            (#"{"stream_options":{"include_usage":false},"stream":true}"#, true, false),
            (#"{"nested":{"stream":true},"messages":[{"content":"a\"b\\c\u00e9 日本 🚀"}]}"#, false, false),
            (#"{"n":[-0,1.5e-3,2E+8,0.25,null,true,false,[],{}]}"#, false, false),
            (#"{"str\u0065am":true}"#, false, false),
        ])
    func wellFormed(json: String, stream: Bool, includeUsage: Bool) throws {
        let probe = try JSONProbe.inspect(Array(json.utf8))
        #expect(probe.stream == stream)
        #expect(probe.includeUsage == includeUsage)
    }

    @Test(
        "malformed bodies are refused with the offset of the problem",
        arguments: [
            ("", "empty body, expected a JSON object at byte 0"),
            ("[]", "expected a JSON object at byte 0"),
            (#"{"a":1"#, "expected ',' or '}' in an object at byte 6"),
            (#"{"a":01}"#, "expected ',' or '}' in an object at byte 6"),
            (#"{"a":tru}"#, "invalid literal at byte 5"),
            (#"{"a":"x}"#, "unterminated string at byte 8"),
            (#"{"a":"\q"}"#, "invalid escape at byte 7"),
            (#"{"a":1,}"#, "expected a string key at byte 7"),
            (#"{"a":1} x"#, "unexpected data after the JSON object at byte 8"),
            (#"{"a":-}"#, "invalid number at byte 6"),
            (#"{"a":1.}"#, "invalid number at byte 7"),
            ("{\"a\":\"\u{01}\"}", "control character in string at byte 6"),
        ])
    func malformed(json: String, message: String) {
        do {
            _ = try JSONProbe.inspect(Array(json.utf8))
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("invalid UTF-8 and deep nesting are refused")
    func invalidBytes() {
        #expect(throws: JSONProbe.SyntaxError.self) { try JSONProbe.inspect(Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)) }
        #expect(throws: JSONProbe.SyntaxError.self) { try JSONProbe.inspect(Array(#"{"a":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8)) }
        let deep = "{\"a\":" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}"
        #expect(throws: JSONProbe.SyntaxError.self) { try JSONProbe.inspect(Array(deep.utf8)) }
        let fine = "{\"a\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(throws: Never.self) { try JSONProbe.inspect(Array(fine.utf8)) }
    }
}
