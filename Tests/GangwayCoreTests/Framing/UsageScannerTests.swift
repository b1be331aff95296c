import GangwayCore
import Testing

@Suite("Usage scanner")
struct UsageScannerTests {
    static let body = #"{"id":"x","choices":[{"message":{"content":"say \"prompt_tokens\":99"}}],"usage":{"prompt_tokens":12,"completion_tokens":345,"total_tokens":357,"prompt_tokens_details":{"cached_tokens":7}}}"#

    @Test("a whole body", arguments: [Self.body, #"{"usage": {"prompt_tokens": 12, "completion_tokens": 345}}"#])
    func wholeBody(text: String) {
        var scanner = UsageScanner()
        scanner.scan(Array(text.utf8))
        #expect(scanner.promptTokens == 12)
        #expect(scanner.completionTokens == 345)
    }

    @Test("split at every possible byte boundary")
    func everySplit() {
        let bytes = Array(Self.body.utf8)
        for cut in 1..<bytes.count {
            var scanner = UsageScanner()
            scanner.scan(Array(bytes[..<cut]))
            scanner.scan(Array(bytes[cut...]))
            #expect(scanner.promptTokens == 12, "cut at \(cut)")
            #expect(scanner.completionTokens == 345, "cut at \(cut)")
        }
    }

    @Test("a stream: the usage chunk after the finish chunk; earlier null usage ignored")
    func stream() {
        let events = [
            #"data: {"choices":[{"delta":{"content":"hi"}}],"usage":null}"# + "\n\n",
            #"data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":"# ,
            #"4,"total_tokens":7}}"# + "\n\n",
            "data: [DONE]\n\n",
        ]
        var scanner = UsageScanner()
        for event in events { scanner.scan(Array(event.utf8)) }
        #expect(scanner.promptTokens == 3)
        #expect(scanner.completionTokens == 4)
    }

    @Test("no usage, no numbers")
    func none() {
        var scanner = UsageScanner()
        scanner.scan(Array(#"{"choices":[{"text":"prompt_tokens"}]}"#.utf8))
        #expect(scanner.promptTokens == nil)
        #expect(scanner.completionTokens == nil)
    }
}
