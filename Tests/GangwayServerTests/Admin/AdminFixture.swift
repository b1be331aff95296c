import Foundation
import GangwayCore
import GangwayServer
import GangwayStore
import Synchronization

/// A Query API over a real SQLite store in its own temporary directory, with ids, secrets,
/// dates and request ids that tests can name in advance.
final class AdminFixture: Sendable {
    static let account = "123456789012"
    /// 2026-11-24T22:00:00Z, plus a fraction that the XML must drop.
    static let now = Date(timeIntervalSince1970: 1_795_557_600.25)

    let directory: URL
    let store: SQLiteIdentityStore
    let api: QueryAPI
    /// The user `admin`, created first: user id 1, access key 1.
    let admin: AdminCaller

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "gangway-admin-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteIdentityStore(
            directory: DataDirectory(directory), account: Self.account,
            secretBox: SecretBox(keyBytes: Array(repeating: 7, count: SecretBox.keyByteCount)),
            generator: SequentialIDGenerator(), clock: { AdminFixture.now })
        let requestIDs = RequestIDs()
        api = QueryAPI(store: store, account: Self.account, requestID: requestIDs.next)
        let user = try await store.createUser(name: "admin")
        let key = try await store.createAccessKey(userName: "admin")
        admin = AdminCaller(
            account: Self.account, userName: user.name, userID: user.userID, arn: user.arn,
            accessKeyID: key.metadata.accessKeyID)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Sends `Action` (IAM unless said otherwise) with the parameters, as `caller` (the admin by
    /// default), through a policy engine that allows everything or whatever `authorize` says.
    func call(
        _ action: String, _ parameters: [String: String] = [:], version: String = QueryService.iam.version,
        as caller: AdminCaller? = nil, authorize: AuthorizationLog = AuthorizationLog()
    ) async -> QueryResponse {
        var form = parameters
        form["Action"] = action
        form["Version"] = version
        return await api.handle(form: form, caller: caller ?? admin, authorize: authorize.check)
    }

    /// Like ``call(_:_:version:as:authorize:)`` but parses the answer and fails unless it is a 200.
    func succeed(_ action: String, _ parameters: [String: String] = [:], version: String = QueryService.iam.version)
        async throws -> ParsedXML
    {
        let response = await call(action, parameters, version: version)
        guard response.status == 200 else { throw UnexpectedResponse(response: response) }
        return try ParsedXML(response.body)
    }

    /// A caller for another user, as the authentication in front of the API would build it.
    func caller(for name: String) async throws -> AdminCaller {
        let user = try await store.getUser(name: name)
        let keys = try await store.listAccessKeys(userName: name)
        return AdminCaller(
            account: Self.account, userName: user.name, userID: user.userID, arn: user.arn,
            accessKeyID: keys.first?.accessKeyID ?? "AKIANOKEYFORTHISUSR")
    }
}

/// `req-1`, `req-2`, ...
final class RequestIDs: Sendable {
    private let count = Mutex(0)

    @Sendable func next() -> String {
        count.withLock {
            $0 += 1
            return "req-\($0)"
        }
    }
}

struct UnexpectedResponse: Error, CustomStringConvertible {
    let response: QueryResponse
    var description: String { "HTTP \(response.status): \(response.body)" }
}

/// The policy engine's stand-in: answers from a rule and records every question asked.
final class AuthorizationLog: Sendable {
    struct Question: Sendable, Hashable {
        let action: String
        let resource: String
    }

    private let rule: @Sendable (Question) -> Bool
    private let asked = Mutex<[Question]>([])

    init(_ rule: @escaping @Sendable (Question) -> Bool = { _ in true }) {
        self.rule = rule
    }

    static func denyAll() -> AuthorizationLog { AuthorizationLog { _ in false } }

    var questions: [Question] { asked.withLock { $0 } }

    @Sendable func check(_ action: String, _ resource: String) -> Bool {
        let question = Question(action: action, resource: resource)
        asked.withLock { $0.append(question) }
        return rule(question)
    }
}

/// Ids numbered in order of creation: user n is `AIDATESTUSER00000000n`, key n is
/// `AKIATESTKEY0000` + n in IAM's base-32 alphabet, secret n ends in n.
final class SequentialIDGenerator: IdentityIDGenerator {
    private let counters = Mutex((users: 0, keys: 0, secrets: 0))

    static func userID(_ n: Int) -> String { "AIDATESTUSER" + padded(n, 9) }
    static func accessKeyID(_ n: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return "AKIATESTKEY" + String((0..<5).reversed().map { alphabet[(n >> (5 * $0)) & 31] })
    }
    static func secret(_ n: Int) -> String { "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + padded(n, 10) }

    func userID() -> String { Self.userID(counters.withLock { $0.users += 1; return $0.users }) }
    func accessKeyID() -> String { Self.accessKeyID(counters.withLock { $0.keys += 1; return $0.keys }) }
    func secretAccessKey() -> Secret { Secret(Self.secret(counters.withLock { $0.secrets += 1; return $0.secrets })) }

    private static func padded(_ n: Int, _ width: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
