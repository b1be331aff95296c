/// Reads token counts (`"prompt_tokens": N`, `"completion_tokens": N`) from a response as its
/// chunks stream past, without parsing JSON or holding the body.
///
/// OpenAI-style servers put `usage` in a non-streamed body and in the last chunk of a stream
/// (with `include_usage`); the last values seen win. A key split across two chunks is still
/// found because the end of each chunk is kept and scanned again with the next.
public struct UsageScanner: Sendable, Equatable {
    public private(set) var promptTokens: Int?
    public private(set) var completionTokens: Int?
    private var carry: [UInt8] = []

    static let promptKey = Array(#""prompt_tokens":"#.utf8)
    static let completionKey = Array(#""completion_tokens":"#.utf8)
    /// Longest key plus room for spaces and a number, so nothing straddling a boundary is missed.
    static let carryLength = 48

    public init() {}

    public mutating func scan(_ chunk: UnsafeRawBufferPointer) {
        guard !chunk.isEmpty else { return }
        if !carry.isEmpty {
            // Only the seam needs joining: the carried tail plus the head of this chunk. Both
            // buffers keep their capacity, so a stream scans without allocating per chunk.
            carry.append(contentsOf: chunk.prefix(Self.carryLength))
            carry.withUnsafeBytes { scanWhole($0) }
        }
        scanWhole(chunk)
        carry.removeAll(keepingCapacity: true)
        carry.append(contentsOf: chunk.suffix(Self.carryLength))
    }

    public mutating func scan(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { scan($0) }
    }

    private mutating func scanWhole(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        let count = bytes.count
        while index < count {
            guard bytes[index] == UInt8(ascii: "\"") else {
                index += 1
                continue
            }
            if let value = Self.number(after: Self.promptKey, in: bytes, at: index) {
                promptTokens = value
            } else if let value = Self.number(after: Self.completionKey, in: bytes, at: index) {
                completionTokens = value
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
