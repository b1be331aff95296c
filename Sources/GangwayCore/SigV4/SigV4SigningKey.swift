public import Crypto
import Foundation

/// The derived key `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
///
/// Deriving costs four HMACs, so callers may cache a key by (access key id, date stamp, region,
/// service) and pass it to the verifiers. Like ``Secret`` it refuses to print itself.
public struct SigV4SigningKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    // Raw bytes rather than a `SymmetricKey`, which is not `Sendable` in swift-crypto 3.
    private let bytes: [UInt8]

    /// The key as swift-crypto's type.
    public var key: SymmetricKey { SymmetricKey(data: bytes) }

    /// Derives the key for one credential scope from a secret access key.
    public init(secretAccessKey: Secret, scope: SigV4CredentialScope) {
        let start = SymmetricKey(data: Array(("AWS4" + secretAccessKey.reveal()).utf8))
        var current = Self.mac(start, scope.dateStamp)
        current = Self.mac(SymmetricKey(data: current), scope.region)
        current = Self.mac(SymmetricKey(data: current), scope.service)
        current = Self.mac(SymmetricKey(data: current), SigV4CredentialScope.terminator)
        self.bytes = current
    }

    /// Wraps a key derived earlier (for instance by a cache).
    public init(key: SymmetricKey) {
        self.bytes = key.withUnsafeBytes { Array($0) }
    }

    /// Wraps the 32 raw bytes of a key derived earlier.
    public init(rawBytes: [UInt8]) {
        self.bytes = rawBytes
    }

    /// The signature of a string to sign, as 64 lower-case hex digits.
    public func signature(for stringToSign: String) -> String {
        SigV4Encoding.lowerHex(Self.mac(key, stringToSign))
    }

    /// Whether `providedSignature` (lower-case hex) is the signature of `stringToSign`,
    /// compared in constant time.
    public func isValidSignature(_ providedSignature: some StringProtocol, for stringToSign: String) -> Bool {
        guard let provided = SigV4Encoding.parseLowerHex32(Substring(providedSignature)) else { return false }
        let expected = Self.mac(key, stringToSign)
        return ConstantTime.equals(provided, expected)
    }

    private static func mac(_ key: SymmetricKey, _ message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key))
    }

    public var description: String { "SigV4SigningKey(<redacted>)" }
    public var debugDescription: String { description }
}
