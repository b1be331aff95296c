import Foundation
import GangwayCore
import Testing

@testable import GangwayStore

@Suite("Master key")
struct MasterKeyTests {
    @Test func environmentWins() throws {
        let directory = try TemporaryDirectory()
        let key = try MasterKey.load(
            environment: ["GANGWAY_MASTER_KEY": Fixture.masterKeyBase64], keyFile: directory.data.masterKeyFile)
        #expect(key.source == .environment)
        #expect(!FileManager.default.fileExists(atPath: directory.data.masterKeyFile.path))
        // It is the key that was given: what it seals, the fixture key opens.
        let sealed = try key.secretBox.seal(Secret("s"), accessKeyID: "AKIAIOSFODNN7EXAMPLE")
        #expect(try Fixture.secretBox().open(sealed, accessKeyID: "AKIAIOSFODNN7EXAMPLE") == Secret("s"))
    }

    @Test(arguments: [
        ("", "holds 0 bytes"),
        ("not base64!", "not base64"),
        ("  \(Fixture.masterKeyBase64)x", "not base64"),
        (Data(repeating: 1, count: 16).base64EncodedString(), "holds 16 bytes"),
        (Data(repeating: 1, count: 33).base64EncodedString(), "holds 33 bytes"),
        (String(Data(repeating: 1, count: 32).base64EncodedString().dropLast()), "not base64"),
    ])
    func badEnvironmentValuesAreRefused(value: String, reason: String) throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: StoreSetupError.self) {
            try MasterKey.load(environment: ["GANGWAY_MASTER_KEY": value], keyFile: directory.data.masterKeyFile)
        }
        let message = try #require(error?.message)
        #expect(message.hasPrefix("GANGWAY_MASTER_KEY must hold the base64 encoding of 32 random bytes"))
        #expect(message.hasSuffix("but it is \(reason).") || message.hasSuffix("but it \(reason)."))
        if !value.isEmpty { #expect(!message.contains(value)) }
        // A bad variable never falls back to creating a key file.
        #expect(!FileManager.default.fileExists(atPath: directory.data.masterKeyFile.path))
    }

    @Test func firstStartCreatesAPrivateKeyFile() throws {
        let directory = try TemporaryDirectory()
        let file = directory.data.masterKeyFile
        let created = try MasterKey.load(environment: [:], keyFile: file)
        #expect(created.source == .newKeyFile(file))
        #expect(try POSIXFile.mode(of: file) == 0o600)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        #expect(Data(base64Encoded: text.trimmingCharacters(in: .newlines))?.count == 32)

        // The next start reads the same key back.
        let loaded = try MasterKey.load(environment: [:], keyFile: file)
        #expect(loaded.source == .keyFile(file))
        let sealed = try created.secretBox.seal(Secret("s"), accessKeyID: "AKIAIOSFODNN7EXAMPLE")
        #expect(try loaded.secretBox.open(sealed, accessKeyID: "AKIAIOSFODNN7EXAMPLE") == Secret("s"))
    }

    @Test(arguments: [0o640, 0o604, 0o644, 0o660])
    func aKeyFileOthersCanReadIsRefused(mode: Int) throws {
        let directory = try TemporaryDirectory()
        let file = directory.data.masterKeyFile
        _ = try MasterKey.load(environment: [:], keyFile: file)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file.path)
        let error = #expect(throws: StoreSetupError.self) {
            try MasterKey.load(environment: [:], keyFile: file)
        }
        #expect(error?.message.contains("chmod 600 \(file.path)") == true)
    }

    @Test func aKeyFileWithTheWrongContentIsRefused() throws {
        let directory = try TemporaryDirectory()
        let file = directory.data.masterKeyFile
        try POSIXFile.createExclusive(file, contents: Array("c2hvcnQ=\n".utf8), mode: 0o600)
        let error = #expect(throws: StoreSetupError.self) {
            try MasterKey.load(environment: [:], keyFile: file)
        }
        #expect(
            error?.message == "The master key file \(file.path) must hold the base64 encoding of 32 random bytes "
                + "(such as the output of `openssl rand -base64 32`), but it holds 5 bytes.")
    }

    @Test func openCreatesDirectoryKeyAndStore() async throws {
        let parent = try TemporaryDirectory()
        let data = DataDirectory(parent.url.appending(path: "nested/data"))
        let (store, source) = try SQLiteIdentityStore.open(directory: data, account: Fixture.account, environment: [:])
        #expect(source == .newKeyFile(data.masterKeyFile))
        #expect(try POSIXFile.mode(of: data.url) == 0o700)
        _ = try await store.createUser(name: "alice")
        try await store.close()

        let (again, secondSource) = try SQLiteIdentityStore.open(
            directory: data, account: Fixture.account, environment: [:])
        #expect(secondSource == .keyFile(data.masterKeyFile))
        #expect(try await again.listUsers().map(\.name) == ["alice"])
        try await again.close()
    }
}
