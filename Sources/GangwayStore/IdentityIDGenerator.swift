public import GangwayCore

/// Where new user ids, access key ids and secrets come from. The store takes one as a
/// parameter so tests can name exactly what it will create.
public protocol IdentityIDGenerator: Sendable {
    /// `AIDA` + 17 characters of `A-Z0-9`.
    func userID() -> String
    /// `AKIA` + 16 characters of `A-Z2-7`.
    func accessKeyID() -> String
    /// 40 characters of `A-Za-z0-9+/`.
    func secretAccessKey() -> Secret
}

/// The production generator: uniform characters drawn from a byte source, by default the
/// system's cryptographically secure generator.
public struct RandomIdentityIDGenerator: IdentityIDGenerator {
    private let randomBytes: @Sendable (Int) -> [UInt8]

    /// - Parameter randomBytes: returns that many random bytes; inject a fixed source to test
    ///   the mapping from bytes to characters.
    public init(randomBytes: @escaping @Sendable (Int) -> [UInt8] = Self.systemRandomBytes) {
        self.randomBytes = randomBytes
    }

    public func userID() -> String {
        "AIDA" + draw(17, from: Alphabet.upperAlphanumeric)
    }

    public func accessKeyID() -> String {
        "AKIA" + draw(16, from: Alphabet.base32)
    }

    public func secretAccessKey() -> Secret {
        Secret(draw(40, from: Alphabet.base64))
    }

    public static func systemRandomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// Rejection sampling keeps every character equally likely: bytes at or above the largest
    /// multiple of the alphabet size are skipped rather than folded onto the first characters.
    private func draw(_ count: Int, from alphabet: [Character]) -> String {
        let limit = 256 - 256 % alphabet.count
        var result = ""
        while result.count < count {
            for byte in randomBytes(count - result.count) where Int(byte) < limit && result.count < count {
                result.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return result
    }
}

enum Alphabet {
    static let upperAlphanumeric = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    static let base32 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    static let base64 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
}
