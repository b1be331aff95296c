import Foundation
import GangwayCore
import Testing

@testable import GangwayStore

@Suite("First start")
struct BootstrapTests {
    @Test func anEmptyStoreGetsAnAdmin() async throws {
        let fixture = try StoreFixture()
        let file = fixture.directory.data.credentialsFile
        let result = try await fixture.store.bootstrapIfEmpty(credentialsFile: file)

        let admin = IAMUser(
            name: "admin", path: "/", userID: CountingIDGenerator.userID(1),
            arn: "arn:aws:iam::123456789012:user/admin", createDate: ManualClock.start)
        #expect(
            result
                == IdentityBootstrap.Result(
                    user: admin, accessKeyID: CountingIDGenerator.accessKeyID(1), credentialsFile: file,
                    profile: "gangway"))
        #expect(try await fixture.store.listUsers() == [admin])
        #expect(try await fixture.store.listUserPolicies(userName: "admin") == ["AdministratorAccess"])
        #expect(
            try await fixture.store.getUserPolicy(userName: "admin", policyName: "AdministratorAccess").document
                == #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)

        let credential = try await fixture.store.credential(forAccessKeyID: CountingIDGenerator.accessKeyID(1))
        #expect(credential?.status == .active)
        #expect(credential?.secret == CountingIDGenerator.secret(1))
    }

    @Test func theCredentialsFileIsPrivateAndInAWSFormat() async throws {
        let fixture = try StoreFixture()
        let file = fixture.directory.data.credentialsFile
        _ = try await fixture.store.bootstrapIfEmpty(credentialsFile: file)
        #expect(
            try String(contentsOf: file, encoding: .utf8) == """
                [gangway]
                aws_access_key_id = \(CountingIDGenerator.accessKeyID(1))
                aws_secret_access_key = \(CountingIDGenerator.secret(1).reveal())

                """)
        #expect(try POSIXFile.mode(of: file) == 0o600)
        // No temporary file is left beside it.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: fixture.directory.url.path).sorted()
                == ["credentials", "gangway.sqlite", "gangway.sqlite-shm", "gangway.sqlite-wal"])
    }

    @Test func aSecondStartChangesNothing() async throws {
        let fixture = try StoreFixture()
        let file = fixture.directory.data.credentialsFile
        _ = try await fixture.store.bootstrapIfEmpty(credentialsFile: file)
        let written = try Data(contentsOf: file)
        try await fixture.store.close()

        let reopened = try fixture.reopen()
        #expect(try await reopened.bootstrapIfEmpty(credentialsFile: file) == nil)
        #expect(try Data(contentsOf: file) == written)
        #expect(try await reopened.listAccessKeys(userName: "admin").count == 1)
        try await reopened.close()
    }

    @Test func aStoreWithUsersIsLeftAlone() async throws {
        let fixture = try StoreFixture()
        _ = try await fixture.store.createUser(name: "alice")
        let file = fixture.directory.data.credentialsFile
        #expect(try await fixture.store.bootstrapIfEmpty(credentialsFile: file) == nil)
        #expect(!FileManager.default.fileExists(atPath: file.path))
        #expect(try await fixture.store.listUsers().map(\.name) == ["alice"])
    }

    @Test func aFailedFileWriteStoresNothing() async throws {
        let fixture = try StoreFixture()
        let unwritable = fixture.directory.url.appending(path: "missing/credentials")
        await #expect(throws: StoreSetupError.self) {
            try await fixture.store.bootstrapIfEmpty(credentialsFile: unwritable)
        }
        #expect(try await fixture.store.listUsers() == [])
        // The next start tries again and succeeds.
        #expect(
            try await fixture.store.bootstrapIfEmpty(credentialsFile: fixture.directory.data.credentialsFile) != nil)
    }

    @Test func anExistingCredentialsFileIsReplacedWhole() async throws {
        let fixture = try StoreFixture()
        let file = fixture.directory.data.credentialsFile
        try Data(String(repeating: "stale line\n", count: 50).utf8).write(to: file)
        _ = try await fixture.store.bootstrapIfEmpty(credentialsFile: file)
        #expect(try String(contentsOf: file, encoding: .utf8).hasPrefix("[gangway]\n"))
        #expect(try !String(contentsOf: file, encoding: .utf8).contains("stale"))
        #expect(try POSIXFile.mode(of: file) == 0o600)
    }
}
