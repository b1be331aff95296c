/// 64-bit FNV-1a with a SplitMix64 finaliser: fast, stable across runs and platforms (unlike
/// `Hasher`, which is seeded per process), which is what the mock's deterministic ids and
/// embeddings need. Not for security.
struct StableHash {
    private(set) var state: UInt64

    init() {
        self.state = 0xcbf2_9ce4_8422_2325
    }

    mutating func combine(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            self.state = (self.state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
    }

    mutating func combine(_ text: String) {
        for byte in text.utf8 {
            self.state = (self.state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
    }

    /// The hash value, mixed so that nearby inputs give unrelated outputs.
    var value: UInt64 { Self.mix(self.state) }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `value` as 16 lower-case hex digits.
    var hex: String {
        let digits = String(self.value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
