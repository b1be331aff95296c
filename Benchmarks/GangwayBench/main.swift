// Micro-benchmarks for Gangway's hot paths, printed as figures (never asserted).
//
//   swift run -c release gangway-bench [auth] [--rounds N]
//
// `auth`: bearer-token verification per second, three ways, side by side in one run:
//   cold     every token new: parse, derive the signing key, HMAC, identity lookup
//   warm-key tokens new but the signing key cached (the usual case: one key, new tokens)
//   cached   the same token again: digest lookup, validity window, key status
// Each figure is the median of N rounds, with min and max.
import Foundation
import GangwayCore
import GangwayServer
import GangwayStore
import NIOCore

struct Figures {
    var samples: [Double] = []
    var median: Double { samples.sorted()[samples.count / 2] }
    var line: String {
        let sorted = samples.sorted()
        return String(
            format: "%12.0f /s  (min %.0f, max %.0f, %.2f µs each)", median, sorted.first ?? 0, sorted.last ?? 0,
            1_000_000 / median)
    }
}

func measure(rounds: Int, iterations: Int, _ body: () async throws -> Void) async rethrows -> Figures {
    var figures = Figures()
    for _ in 0..<rounds {
        let start = ContinuousClock.now
        for _ in 0..<iterations { try await body() }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        figures.samples.append(Double(iterations) / seconds)
    }
    return figures
}

func authBenchmark(rounds: Int) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gangway-bench-\(UUID().uuidString)")
    let data = DataDirectory(directory)
    try data.create()
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try SQLiteIdentityStore(
        directory: data, account: "123456789012",
        secretBox: SecretBox(keyBytes: (0..<SecretBox.keyByteCount).map { _ in UInt8.random(in: 0...255) }))
    guard
        let key = try await store.createFirstUser(
            name: "admin", policyName: "all", policyDocument: IdentityBootstrap.policyDocument, beforeCommit: { _ in })
    else { fatalError("bootstrap failed") }
    let now = Date()
    func header(_ offset: Int) -> String {
        "Bearer "
            + BearerToken.generate(
                accessKeyId: key.metadata.accessKeyID, secretAccessKey: key.secretAccessKey, region: "us-east-1",
                issuedAt: now.addingTimeInterval(-Double(offset % 200)), expiresInSeconds: 3600 + offset
            ).reveal()
    }
    func request(_ header: String) -> AuthenticationRequest {
        AuthenticationRequest(
            method: "POST", rawPath: "/endpoints/demo/openai/v1/chat/completions", rawQuery: "",
            fields: [.authorization: header], authority: "127.0.0.1:8080", body: ByteBuffer())
    }
    let iterations = 2000
    // Distinct tokens (each differs in X-Amz-Expires), so no token-cache hits.
    let fresh = (0..<(iterations * rounds * 2)).map { request(header($0)) }
    var index = 0

    // Cold: a new authenticator per call means an empty signing-key and token cache.
    let cold = try await measure(rounds: rounds, iterations: iterations) {
        let authenticator = Authenticator(store: store, region: "us-east-1")
        _ = try await authenticator.authenticate(fresh[index % fresh.count], service: "sagemaker", now: now)
        index += 1
    }
    let shared = Authenticator(store: store, region: "us-east-1")
    let warmKey = try await measure(rounds: rounds, iterations: iterations) {
        _ = try await shared.authenticate(fresh[index % fresh.count], service: "sagemaker", now: now)
        index += 1
    }
    let repeated = request(header(0))
    let cached = try await measure(rounds: rounds, iterations: iterations * 5) {
        _ = try await shared.authenticate(repeated, service: "sagemaker", now: now)
    }
    let authorizer = Authorizer()
    let caller = try await shared.authenticate(repeated, service: "sagemaker", now: now)
    let context = Authorizer.context(caller: caller, sourceIP: "127.0.0.1", secureTransport: false, now: now)
    let policy = await measure(rounds: rounds, iterations: iterations * 5) {
        _ = authorizer.decide(
            caller: caller, action: "sagemaker:InvokeEndpoint",
            resource: "arn:aws:sagemaker:us-east-1:123456789012:endpoint/demo", context: context)
    }
    print("bearer-token verification (\(rounds) rounds, median):")
    print("  cold      \(cold.line)")
    print("  warm-key  \(warmKey.line)")
    print("  cached    \(cached.line)")
    print("policy evaluation (allow-all, one statement):")
    print("  decide    \(policy.line)")
    try await store.close()
}

let arguments = CommandLine.arguments.dropFirst()
let rounds = arguments.firstIndex(of: "--rounds").flatMap { Int(arguments[arguments.index(after: $0)]) } ?? 7
try await authBenchmark(rounds: rounds)
