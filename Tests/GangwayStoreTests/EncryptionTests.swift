import Foundation
import GangwayCore
import Testing

@testable import GangwayStore

@Suite("Secrets at rest")
struct EncryptionTests {
    let secret = Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")

    @Test func sealOpenRoundTrip() throws {
        let box = try Fixture.secretBox()
        let sealed = try box.seal(secret, accessKeyID: "AKIAIOSFODNN7EXAMPLE")
        #expect(try box.open(sealed, accessKeyID: "AKIAIOSFODNN7EXAMPLE") == secret)
        #expect(sealed.count == 1 + 12 + 40 + 16)
        #expect(!contains(sealed, Array(secret.reveal().utf8)))
    }

    @Test func sealingTwiceGivesDifferentCiphertexts() throws {
        let box = try Fixture.secretBox()
        #expect(
            try box.seal(secret, accessKeyID: "AKIAIOSFODNN7EXAMPLE")
                != box.seal(secret, accessKeyID: "AKIAIOSFODNN7EXAMPLE"))
    }

    @Test func aCiphertextOnlyOpensForItsKeyID() throws {
        let box = try Fixture.secretBox()
        let sealed = try box.seal(secret, accessKeyID: "AKIAIOSFODNN7EXAMPLE")
        #expect(throws: IdentityStoreError.undecryptableSecret("AKIAOTHERKEY2345")) {
            try box.open(sealed, accessKeyID: "AKIAOTHERKEY2345")
        }
    }

    @Test func aCiphertextOnlyOpensWithItsMasterKey() throws {
        let sealed = try Fixture.secretBox().seal(secret, accessKeyID: "AKIAIOSFODNN7EXAMPLE")
        let other = try SecretBox(keyBytes: Array(repeating: 1, count: 32))
        #expect(throws: IdentityStoreError.self) {
            try other.open(sealed, accessKeyID: "AKIAIOSFODNN7EXAMPLE")
        }
    }

    @Test(arguments: [0, 1, 13, 60])
    func tamperingIsDetected(flippedByte: Int) throws {
        let box = try Fixture.secretBox()
        var sealed = try box.seal(secret, accessKeyID: "AKIAIOSFODNN7EXAMPLE")
        sealed[sealed.startIndex + flippedByte] ^= 0x01
        #expect(throws: IdentityStoreError.self) {
            try box.open(sealed, accessKeyID: "AKIAIOSFODNN7EXAMPLE")
        }
    }

    @Test(arguments: [0, 16, 31, 33])
    func masterKeysAreExactly32Bytes(count: Int) {
        let result = Result { try SecretBox(keyBytes: Array(repeating: 0, count: count)) }
        #expect((try? result.get()) == nil)
    }

    /// The secrets must appear in none of the database files, open or closed. The key ids,
    /// stored in clear, must appear: that shows the search looks at the right bytes.
    @Test func noPlaintextSecretInTheDatabaseFiles() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteIdentityStore(
            directory: directory.data, account: Fixture.account, secretBox: try Fixture.secretBox())
        _ = try await store.createUser(name: "alice")
        let keys = [
            try await store.createAccessKey(userName: "alice"), try await store.createAccessKey(userName: "alice"),
        ]
        _ = try await store.credential(forAccessKeyID: keys[0].metadata.accessKeyID)

        let database = directory.data.database.path
        let files = [database, database + "-wal", database + "-shm"]
        func check(_ moment: Comment) throws {
            let bytes = try files.filter { FileManager.default.fileExists(atPath: $0) }
                .map { try Data(contentsOf: URL(filePath: $0)) }
            for key in keys {
                #expect(bytes.contains { contains($0, Array(key.metadata.accessKeyID.utf8)) }, moment)
                #expect(!bytes.contains { contains($0, Array(key.secretAccessKey.reveal().utf8)) }, moment)
            }
        }
        try check("while open")
        try await store.close()
        try check("after close")
    }

    private func contains(_ haystack: Data, _ needle: [UInt8]) -> Bool {
        let bytes = [UInt8](haystack)
        guard needle.count <= bytes.count else { return false }
        return (0...(bytes.count - needle.count)).contains { start in
            bytes[start..<(start + needle.count)].elementsEqual(needle)
        }
    }
}
