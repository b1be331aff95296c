import GangwayStore
import NIOCore
import NIOHTTP1
import Testing

@testable import GangwayServer

@Suite("Remembered authorization decisions")
struct AuthorizationCacheTests {
    static let key = AuthorizationCache.Key(
        accessKeyID: "AKIAEXAMPLE000000001", endpoint: "alpha", component: nil, bearerToken: true)
    static let policies = [UserPolicy(userName: "u", policyName: "p", document: #"{"Statement":[]}"#)]

    @Test("an allow is remembered only for the same call and the same policies")
    func matchesCallAndPolicies() {
        let cache = AuthorizationCache()
        #expect(!cache.isKnownAllowed(Self.key, policies: Self.policies))
        cache.rememberAllowed(Self.key, policies: Self.policies)
        #expect(cache.isKnownAllowed(Self.key, policies: Self.policies))
        // Same content in new storage (a reloaded credential) still matches.
        let reloaded = [UserPolicy(userName: "u", policyName: "p", document: String(#"{"Statement":[]}"#))]
        #expect(cache.isKnownAllowed(Self.key, policies: reloaded))

        var otherCall = Self.key
        otherCall.component = "general"
        #expect(!cache.isKnownAllowed(otherCall, policies: Self.policies))
        otherCall = Self.key
        otherCall.bearerToken = false
        #expect(!cache.isKnownAllowed(otherCall, policies: Self.policies))
        let changed = [UserPolicy(userName: "u", policyName: "p", document: #"{"Statement":[{}]}"#)]
        #expect(!cache.isKnownAllowed(Self.key, policies: changed))
        #expect(!cache.isKnownAllowed(Self.key, policies: []))
    }

    @Test("the cache starts again when full rather than growing")
    func bounded() {
        let cache = AuthorizationCache()
        for index in 0..<AuthorizationCache.capacity {
            var key = Self.key
            key.endpoint = "endpoint-\(index)"
            cache.rememberAllowed(key, policies: Self.policies)
        }
        #expect(cache.count == AuthorizationCache.capacity)
        cache.rememberAllowed(Self.key, policies: Self.policies)
        #expect(cache.count == 1)
        #expect(cache.isKnownAllowed(Self.key, policies: Self.policies))
    }
}

@Suite("Headers that do not cross the gateway")
struct HeaderForwardingTests {
    @Test("hop-by-hop and credential headers are dropped in any letter case; others kept as sent")
    func requestHeaders() {
        var lines = ByteBuffer()
        HeaderForwarding.writeRequestHeaderLines(
            HTTPHeaders([
                ("Host", "gw"), ("AUTHORIZATION", "Bearer x"), ("Content-Type", "application/json"),
                ("Connection", "keep-alive"), ("X-Amz-Date", "20260101T000000Z"), ("X-Trace", "1"),
                ("Content-Length", "2"), ("Transfer-Encoding", "chunked"), ("Expect", "100-continue"),
            ]), into: &lines)
        #expect(String(buffer: lines) == "Content-Type: application/json\r\nX-Trace: 1\r\n")
    }

    @Test("response framing and server headers are dropped; the rest reach the client byte for byte")
    func responseHeaders() throws {
        let relayed = try relayedLines(
            "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nDate: x\r\nSERVER: uvicorn\r\n"
                + "content-length: 9\r\nx-request-id:abc  \r\nKeep-Alive: timeout=5\r\n\r\n")
        #expect(relayed == "content-type: text/event-stream\r\nx-request-id: abc\r\n")
    }

    @Test("kept lines come out as CRLF lines `name: value` whatever their spacing, in order, none lost")
    func responseLineForms() throws {
        let relayed = try relayedLines(
            "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nServer: s\r\nC:3\r\nD: 4  \nE: \r\nF: 6\r\n"
                + "Content-Length: 0\r\nG:  7\r\nH: 8\r\n\r\n")
        #expect(relayed == "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: \r\nF: 6\r\nG: 7\r\nH: 8\r\n")
    }

    /// The header lines an instance's response head is relayed to the client with.
    private func relayedLines(_ head: String) throws -> String {
        var lines = ByteBuffer()
        HeaderForwarding.writeResponseHeaderLines(try UpstreamResponseHead(parsing: ByteBuffer(string: head)), into: &lines)
        return String(buffer: lines)
    }

    @Test("matching ignores ASCII case only, and needs the whole name")
    func matching() {
        let names = [Array("content-length".utf8)]
        #expect(HeaderForwarding.matches("Content-Length", names))
        #expect(HeaderForwarding.matches("CONTENT-LENGTH", names))
        #expect(!HeaderForwarding.matches("Content-Lengths", names))
        #expect(!HeaderForwarding.matches("Content-Lengt", names))
        #expect(!HeaderForwarding.matches("", names))
    }
}

@Suite("Verified token keys")
struct VerifiedTokenKeyTests {
    @Test("tokens that share their last bytes are still told apart; the same token is found")
    func sameTailOtherToken() {
        let tail = String(repeating: "s", count: 64)
        let first = VerifiedTokenKey("Bearer a" + tail)
        let second = VerifiedTokenKey("Bearer b" + tail)
        #expect(first != second)
        #expect(first.hashValue == second.hashValue)
        var cache = [first: 1]
        cache[second] = 2
        #expect(cache[VerifiedTokenKey("Bearer a" + tail)] == 1)
        #expect(cache[VerifiedTokenKey("Bearer b" + tail)] == 2)
        #expect(cache[VerifiedTokenKey("Bearer c" + tail)] == nil)
    }
}
