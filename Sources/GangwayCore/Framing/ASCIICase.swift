/// ASCII letter case for protocol tokens (header names, auth schemes), compared as bytes: no
/// lower-cased copy is made, which matters where it runs on every request.
public enum ASCIICase {
    /// Whether `bytes` equals `lowercased` (already lower case) in any ASCII letter case.
    @inlinable
    public static func equals(_ bytes: UnsafeRawBufferPointer, lowercased: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count == lowercased.count else { return false }
        for offset in 0..<bytes.count {
            let byte = bytes[offset]
            let lowered = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            guard lowered == lowercased[offset] else { return false }
        }
        return true
    }

    @inlinable
    public static func equals(_ bytes: UnsafeRawBufferPointer, lowercased: StaticString) -> Bool {
        equals(bytes, lowercased: UnsafeRawBufferPointer(start: lowercased.utf8Start, count: lowercased.utf8CodeUnitCount))
    }
}
