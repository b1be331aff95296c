/// Reads token counts (`"prompt_tokens": N`, `"completion_tokens": N`) from a response as its
/// chunks stream past, without parsing JSON or holding the body.
///
/// OpenAI-style servers put `usage` in a non-streamed body and in the last chunk of a stream
/// (with `include_usage`); the last values seen win. A key split across two chunks is still
/// found because the end of each chunk is kept and scanned again with the next.
public struct UsageScanner: Sendable {
    public private(set) var promptTokens: Int?
    public private(set) var completionTokens: Int?
    /// The previous chunk's tail, kept inline so that scanning a response never allocates.
    private var carry = Seam()

    static let promptKey = Array(#""prompt_tokens":"#.utf8)
    static let completionKey = Array(#""completion_tokens":"#.utf8)
    /// Longest key plus room for spaces and a number, so nothing straddling a boundary is missed.
    static let carryLength = 48

    public init() {}

    public mutating func scan(_ chunk: UnsafeRawBufferPointer) {
        guard !chunk.isEmpty else { return }
        if carry.count > 0 {
            // Only the seam needs joining: the carried tail plus the head of this chunk.
            var seam = carry
            seam.append(UnsafeRawBufferPointer(rebasing: chunk.prefix(Self.carryLength)))
            seam.withBytes { scanWhole($0) }
        }
        scanWhole(chunk)
        carry.count = 0
        carry.append(UnsafeRawBufferPointer(rebasing: chunk.suffix(Self.carryLength)))
    }

    public mutating func scan(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { scan($0) }
    }

    private mutating func scanWhole(_ bytes: UnsafeRawBufferPointer) {
        // Read once: a static is reached through a lazy-initialisation check on every use.
        let promptKey = Self.promptKey
        let completionKey = Self.completionKey
        var index = 0
        // A key needs its quote and first letter; the last byte can start neither.
        let end = bytes.count - 1
        while index < end {
            guard bytes[index] == UInt8(ascii: "\"") else {
                index += 1
                continue
            }
            switch bytes[index + 1] {
            case UInt8(ascii: "p"):
                if let value = Self.number(after: promptKey, in: bytes, at: index) { promptTokens = value }
            case UInt8(ascii: "c"):
                if let value = Self.number(after: completionKey, in: bytes, at: index) { completionTokens = value }
            default:
                break
            }
            index += 1
        }
    }

    /// The integer after `key` at `start`, if the key is there and a complete number follows.
    static func number(after key: [UInt8], in bytes: UnsafeRawBufferPointer, at start: Int) -> Int? {
        guard start + key.count <= bytes.count else { return nil }
        for offset in 1..<key.count where bytes[start + offset] != key[offset] {
            return nil
        }
        var index = start + key.count
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        var value = 0
        var digits = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9"), digits < 12 {
            value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            digits += 1
            index += 1
        }
        // A number running into the end of the buffer may continue in the next chunk.
        guard digits > 0, index < bytes.count else { return nil }
        return value
    }
}

/// Up to 96 bytes held in place (twice ``UsageScanner/carryLength``: a tail and the next head).
private struct Seam: Sendable {
    private var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        let start = count
        precondition(start + bytes.count <= MemoryLayout.size(ofValue: words))
        withUnsafeMutableBytes(of: &words) { storage in
            UnsafeMutableRawBufferPointer(rebasing: storage[start..<start + bytes.count]).copyMemory(from: bytes)
        }
        count += bytes.count
    }

    func withBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        withUnsafeBytes(of: words) { body(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }
}
