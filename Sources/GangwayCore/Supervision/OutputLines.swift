/// Cuts a process's output into log lines as bytes arrive in arbitrary pieces.
///
/// A line ends at `\n` (a `\r` before it is dropped); a line longer than `maxLineBytes` is cut
/// there, so a process that never writes a newline cannot grow the buffer without bound.
/// Bytes that are not UTF-8 are shown as U+FFFD rather than dropping the line.
public struct OutputLines: Sendable, Equatable {
    public let maxLineBytes: Int
    private var pending: [UInt8] = []

    public init(maxLineBytes: Int = 16 * 1024) {
        self.maxLineBytes = max(1, maxLineBytes)
    }

    /// The lines completed by `bytes`.
    public mutating func append(_ bytes: some Sequence<UInt8>) -> [String] {
        var lines: [String] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                lines.append(takeLine())
            } else {
                pending.append(byte)
                if pending.count >= maxLineBytes { lines.append(takeLine()) }
            }
        }
        return lines
    }

    /// The unfinished last line, if any, once the output has ended.
    public mutating func finish() -> String? {
        pending.isEmpty ? nil : takeLine()
    }

    private mutating func takeLine() -> String {
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        defer { pending.removeAll(keepingCapacity: true) }
        return String(decoding: pending, as: UTF8.self)
    }
}
