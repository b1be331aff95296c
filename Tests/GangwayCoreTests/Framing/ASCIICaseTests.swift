import GangwayCore
import Testing

@Suite("ASCII letter case")
struct ASCIICaseTests {
    @Test(
        "bytes equal a lower-case token in any ASCII letter case, and only it",
        arguments: [
            ("content-length", true), ("Content-Length", true), ("CONTENT-LENGTH", true),
            ("Content-Lengt", false), ("Content-Lengths", false), ("content_length", false), ("", false),
            // Only A-Z fold: '@' (0x40) and '[' (0x5B) sit next to the letters.
            ("content-lengtH", true), ("conte@t-length", false),
        ])
    func equality(text: String, expected: Bool) {
        let result = Array(text.utf8).withUnsafeBytes { ASCIICase.equals($0, lowercased: "content-length") }
        #expect(result == expected)
    }

    @Test("characters that lower-case to a letter outside ASCII do not match")
    func onlyASCIIFolds() {
        // "K" (U+212A KELVIN SIGN) lower-cases to "k" in Unicode; as bytes it is not "k".
        #expect(!Array("\u{212A}".utf8).withUnsafeBytes { ASCIICase.equals($0, lowercased: "k") })
        #expect(Array("K".utf8).withUnsafeBytes { ASCIICase.equals($0, lowercased: "k") })
        #expect(!Array("[".utf8).withUnsafeBytes { ASCIICase.equals($0, lowercased: "{") })
    }
}
