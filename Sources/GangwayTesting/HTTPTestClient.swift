import AsyncHTTPClient
import Foundation
public import NIOCore
public import NIOHTTP1

/// Small helpers over AsyncHTTPClient for tests: whole responses as bytes, and streams read
/// chunk by chunk with arrival times.
public enum HTTPTestClient {
    public struct Reply: Sendable {
        public let status: Int
        public let headers: HTTPHeaders
        public let body: [UInt8]

        public var text: String { String(decoding: body, as: UTF8.self) }

        public func json() throws -> [String: Any] {
            (try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:]
        }
    }

    public static func send(
        _ method: HTTPMethod = .POST, _ url: String, body: [UInt8]? = nil, headers: [(String, String)] = [],
        timeout: TimeAmount = .seconds(30)
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
            request.headers.add(name: "content-type", value: "application/json")
        }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        // Tests start and stop servers on reused ports: a kept-alive connection to a server
        // that has gone would make a later request fail for the test's plumbing, not Gangway.
        // (Not for large uploads, which a server may refuse early: it then reads the rest of
        // the body on a kept-alive connection, where `close` would cut the upload short.)
        if (body?.count ?? 0) < 1 << 20 {
            request.headers.replaceOrAdd(name: "connection", value: "close")
        }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let collected = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Array(collected.readableBytesView))
    }

    public static func post(_ url: String, json: String, headers: [(String, String)] = []) async throws -> Reply {
        try await send(.POST, url, body: Array(json.utf8), headers: headers)
    }
}
