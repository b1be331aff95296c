import Foundation
import Synchronization
import Testing

@testable import GangwayStore

@Suite("Id and secret generation")
struct GeneratorTests {
    /// Hands out the given bytes in order, then zeros.
    final class FixedBytes: Sendable {
        let bytes: [UInt8]
        let position = Mutex(0)
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        func take(_ count: Int) -> [UInt8] {
            position.withLock { position in
                (0..<count).map { _ in
                    defer { position += 1 }
                    return position < bytes.count ? bytes[position] : 0
                }
            }
        }
    }

    static func generator(_ bytes: [UInt8]) -> RandomIdentityIDGenerator {
        let source = FixedBytes(bytes)
        return RandomIdentityIDGenerator(randomBytes: { source.take($0) })
    }

    @Test(arguments: [
        // Byte i picks character i of A-Z2-7; 32 divides 256, so every byte is used.
        (Array(UInt8(0)..<16), "AKIAABCDEFGHIJKLMNOP"),
        (Array(UInt8(16)..<32), "AKIAQRSTUVWXYZ234567"),
        ([UInt8](repeating: 255, count: 16), "AKIA7777777777777777"),
    ])
    func accessKeyIDs(bytes: [UInt8], expected: String) {
        #expect(Self.generator(bytes).accessKeyID() == expected)
    }

    @Test(arguments: [
        (Array(UInt8(19)..<36), "AIDATUVWXYZ0123456789"),
        // 252 and above would favour A-D, so they are skipped.
        ([252, 253, 254, 255] + Array(UInt8(0)..<17), "AIDAABCDEFGHIJKLMNOPQ"),
        ([36, 251] + [UInt8](repeating: 0, count: 15), "AIDAA9AAAAAAAAAAAAAAA"),
    ])
    func userIDs(bytes: [UInt8], expected: String) {
        #expect(Self.generator(bytes).userID() == expected)
    }

    @Test func secrets() {
        let bytes = Array(UInt8(0)..<40).map { $0 &+ 24 }
        #expect(Self.generator(bytes).secretAccessKey().reveal() == "YZabcdefghijklmnopqrstuvwxyz0123456789+/")
    }

    @Test func systemRandomValuesHaveTheRightShape() {
        let generator = RandomIdentityIDGenerator()
        let keyAlphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let userAlphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        let secretAlphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var seen = Set<String>()
        for _ in 0..<200 {
            let key = generator.accessKeyID()
            #expect(key.count == 20 && key.hasPrefix("AKIA") && key.dropFirst(4).allSatisfy(keyAlphabet.contains))
            let user = generator.userID()
            #expect(user.count == 21 && user.hasPrefix("AIDA") && user.dropFirst(4).allSatisfy(userAlphabet.contains))
            let secret = generator.secretAccessKey().reveal()
            #expect(secret.count == 40 && secret.allSatisfy(secretAlphabet.contains))
            seen.insert(secret)
        }
        #expect(seen.count == 200)
    }
}
