import Crypto
public import Foundation
public import GangwayCore

/// Encrypts secrets at rest with AES-256-GCM under the master key.
///
/// Each ciphertext is bound to what it belongs to through GCM's associated data (for an access
/// key's secret, its key id), so a ciphertext copied onto another row does not decrypt.
/// Layout: a format byte, then nonce, ciphertext and tag as AES-GCM's combined form.
public struct SecretBox: Sendable {
    /// Master key length in bytes.
    public static let keyByteCount = 32
    private static let format: UInt8 = 1

    /// `SymmetricKey` is immutable once made but not marked `Sendable` by swift-crypto 3.12;
    /// sharing it across tasks is safe, so it is wrapped rather than copied out into an
    /// array that would not be zeroed on release.
    private struct Key: @unchecked Sendable {
        let value: SymmetricKey
    }

    private let key: Key

    /// - Parameter keyBytes: exactly ``keyByteCount`` bytes.
    public init(keyBytes: [UInt8]) throws(StoreSetupError) {
        guard keyBytes.count == Self.keyByteCount else {
            throw StoreSetupError("The master key must be \(Self.keyByteCount) bytes, not \(keyBytes.count).")
        }
        self.init(key: SymmetricKey(data: keyBytes))
    }

    private init(key: SymmetricKey) {
        self.key = Key(value: key)
    }

    /// A box with a new random key, and that key's bytes for whoever must keep it.
    static func generate() -> (box: SecretBox, keyBytes: [UInt8]) {
        let key = SymmetricKey(size: .bits256)
        return (SecretBox(key: key), key.withUnsafeBytes { Array($0) })
    }

    /// Encrypts an access key's secret, bound to that key's id.
    public func seal(_ secret: Secret, accessKeyID: String) throws -> Data {
        try seal(Array(secret.reveal().utf8), context: Self.accessKeyContext(accessKeyID))
    }

    /// Decrypts an access key's secret. Fails with `serviceFailure` for a wrong master key, a
    /// ciphertext sealed for another key id, or damaged bytes.
    public func open(_ sealed: Data, accessKeyID: String) throws(IdentityStoreError) -> Secret {
        guard let plaintext = try? open(sealed, context: Self.accessKeyContext(accessKeyID)),
            let text = String(bytes: plaintext, encoding: .utf8)
        else {
            throw .undecryptableSecret(accessKeyID)
        }
        return Secret(text)
    }

    func seal(_ plaintext: [UInt8], context: String) throws -> Data {
        let box = try AES.GCM.seal(plaintext, using: key.value, authenticating: Array(context.utf8))
        guard let combined = box.combined else {
            // Only a nonce of non-standard size lacks a combined form; seal() never makes one.
            throw IdentityStoreError(.serviceFailure, "Encryption produced no ciphertext.")
        }
        return Data([Self.format]) + combined
    }

    func open(_ sealed: Data, context: String) throws -> [UInt8] {
        guard sealed.first == Self.format else { throw IdentityStoreError(.serviceFailure, "Unknown secret format.") }
        let box = try AES.GCM.SealedBox(combined: sealed.dropFirst())
        return Array(try AES.GCM.open(box, using: key.value, authenticating: Array(context.utf8)))
    }

    private static func accessKeyContext(_ accessKeyID: String) -> String {
        "gangway/access-key/\(accessKeyID)"
    }
}
