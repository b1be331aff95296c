import GangwayCore
import Testing

@Suite("Output lines")
struct OutputLinesTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        /// The output as it arrives, piece by piece.
        let pieces: [[UInt8]]
        let maxLineBytes: Int
        let lines: [String]
        let last: String?
        var description: String { name }

        init(_ name: String, _ pieces: [String], max: Int = 1024, lines: [String], last: String?) {
            self.name = name
            self.pieces = pieces.map { Array($0.utf8) }
            self.maxLineBytes = max
            self.lines = lines
            self.last = last
        }
    }

    static let cases: [Case] = [
        Case("whole lines", ["one\ntwo\n"], lines: ["one", "two"], last: nil),
        Case("a line split across reads", ["lo", "ading mo", "del\nready\n"], lines: ["loading model", "ready"], last: nil),
        Case("CRLF endings lose the CR", ["a\r\nb\r\n"], lines: ["a", "b"], last: nil),
        Case("an unfinished last line comes out at the end", ["done\npartial"], lines: ["done"], last: "partial"),
        Case("empty lines are kept (the forwarder skips them)", ["\n\nx\n"], lines: ["", "", "x"], last: nil),
        Case("a line over the limit is cut", ["abcdefghij\nxyz"], max: 4, lines: ["abcd", "efgh", "ij"], last: "xyz"),
        Case("nothing at all", [], lines: [], last: nil),
    ]

    @Test("splitting", arguments: cases)
    func splitting(_ testCase: Case) {
        var output = OutputLines(maxLineBytes: testCase.maxLineBytes)
        let lines = testCase.pieces.flatMap { output.append($0) }
        #expect(lines == testCase.lines)
        #expect(output.finish() == testCase.last)
        #expect(output.finish() == nil)
    }

    @Test("bytes that are not UTF-8 become U+FFFD, and a character split across reads survives")
    func encoding() {
        var output = OutputLines()
        let euro = Array("€".utf8)
        var lines = output.append([0x61, 0xFF, 0x62, 0x0A] + euro.prefix(1))
        lines += output.append(euro.dropFirst() + [0x0A])
        #expect(lines == ["a\u{FFFD}b", "€"])
    }
}
