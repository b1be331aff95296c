import Foundation
import GangwayCore
import Synchronization
import Testing

@testable import GangwayStore

/// A fresh directory for one test, removed when the test lets go of it.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appending(path: "gangway-store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var data: DataDirectory { DataDirectory(url) }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Ids and secrets numbered in order of creation, so tests can name what the store will make.
final class CountingIDGenerator: IdentityIDGenerator {
    private let counters = Mutex((users: 0, keys: 0, secrets: 0))

    /// `AIDA` + 17 characters of A-Z0-9.
    static func userID(_ n: Int) -> String { "AIDATESTUSER" + digits(n, width: 9) }
    /// `AKIA` + 16 characters of A-Z2-7: the number in base 32 with IAM's alphabet.
    static func accessKeyID(_ n: Int) -> String { "AKIATESTKEY" + base32(n, width: 5) }
    /// 40 characters of A-Za-z0-9+/.
    static func secret(_ n: Int) -> Secret { Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + digits(n, width: 10)) }

    func userID() -> String {
        Self.userID(
            counters.withLock {
                $0.users += 1
                return $0.users
            })
    }
    func accessKeyID() -> String {
        Self.accessKeyID(
            counters.withLock {
                $0.keys += 1
                return $0.keys
            })
    }
    func secretAccessKey() -> Secret {
        Self.secret(
            counters.withLock {
                $0.secrets += 1
                return $0.secrets
            })
    }

    private static func digits(_ n: Int, width: Int) -> String {
        let text = String(n)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    private static func base32(_ n: Int, width: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var value = n
        var result = ""
        for _ in 0..<width {
            result = String(alphabet[value % 32]) + result
            value /= 32
        }
        return result
    }
}

/// A clock that moves only when told.
final class ManualClock: Sendable {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)
    private let current = Mutex(ManualClock.start)

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 += seconds }
    }
}

enum Fixture {
    static let account = "123456789012"
    static let masterKeyBytes = Array(UInt8(0)..<32)
    static var masterKeyBase64: String { Data(masterKeyBytes).base64EncodedString() }

    static func secretBox() throws -> SecretBox {
        try SecretBox(keyBytes: masterKeyBytes)
    }

    static let readOnlyPolicy =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:InvokeEndpoint","Resource":"*"}]}"#
}

/// A store in its own temporary directory with a counting generator and a manual clock.
struct StoreFixture {
    let directory: TemporaryDirectory
    let clock = ManualClock()
    let generator = CountingIDGenerator()
    let store: SQLiteIdentityStore

    init(keyUseFlushInterval: TimeInterval = 60) throws {
        directory = try TemporaryDirectory()
        store = try Self.open(directory, clock: clock, generator: generator, keyUseFlushInterval: keyUseFlushInterval)
    }

    /// Opens another store on the same directory, as a restarted process would.
    func reopen(secretBox: SecretBox? = nil) throws -> SQLiteIdentityStore {
        try Self.open(directory, clock: clock, generator: generator, secretBox: secretBox)
    }

    private static func open(
        _ directory: TemporaryDirectory, clock: ManualClock, generator: CountingIDGenerator,
        secretBox: SecretBox? = nil, keyUseFlushInterval: TimeInterval = 60
    ) throws -> SQLiteIdentityStore {
        try SQLiteIdentityStore(
            directory: directory.data,
            account: Fixture.account,
            secretBox: secretBox ?? Fixture.secretBox(),
            generator: generator,
            clock: { clock.now },
            keyUseFlushInterval: keyUseFlushInterval)
    }
}
