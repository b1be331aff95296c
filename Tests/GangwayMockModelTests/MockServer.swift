import Foundation
import GangwayMockModel
import Hummingbird
import HummingbirdTesting
import NIOCore

/// Runs a mock model on a free loopback port for one test and hands it a client.
enum MockServer {
    static func run<Value: Sendable>(
        _ configuration: MockModelConfiguration = .init(),
        stats: MockModelStats = MockModelStats(),
        _ test: @Sendable (any TestClientProtocol, MockModelStats) async throws -> Value
    ) async throws -> Value {
        var configuration = configuration
        configuration.port = 0
        let app = MockModel.makeApplication(configuration: configuration, stats: stats)
        return try await app.test(.live) { client in try await test(client, stats) }
    }
}

extension TestClientProtocol {
    /// POSTs a JSON text with optional extra headers.
    func post(_ path: String, json: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/json"
        return try await self.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: json))
    }
}

extension TestResponse {
    var text: String { String(buffer: self.body) }

    /// The body parsed by Foundation, an implementation independent of the mock's own.
    var jsonObject: [String: Any] {
        get throws {
            let object = try JSONSerialization.jsonObject(with: Data(self.body.readableBytesView))
            guard let dictionary = object as? [String: Any] else { throw TestFailure("body is not a JSON object: \(self.text)") }
            return dictionary
        }
    }

    /// The `data:` payloads of a server-sent event stream, checking the framing on the way.
    var events: [String] {
        get throws {
            var payloads: [String] = []
            var rest = Substring(self.text)
            while !rest.isEmpty {
                guard let end = rest.range(of: "\n\n") else { throw TestFailure("unterminated event: \(rest)") }
                let event = rest[..<end.lowerBound]
                guard event.hasPrefix("data: ") else { throw TestFailure("not a data event: \(event)") }
                payloads.append(String(event.dropFirst(6)))
                rest = rest[end.upperBound...]
            }
            return payloads
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Parses a JSON text with Foundation.
func jsonObject(_ text: String) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
        throw TestFailure("not a JSON object: \(text)")
    }
    return object
}

/// Waits until `condition` holds, failing after `seconds` (a generous bound, not a timing check).
func eventually(within seconds: Double = 10, _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while !condition() {
        guard ContinuousClock.now < deadline else { throw TestFailure("condition not met within \(seconds) s") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

extension HTTPFields {
    /// Fields from name/value pairs, in order. `HTTPField` belongs to swift-http-types, which
    /// Hummingbird re-exports only in part; reaching it through `HTTPFields.Element` spares the
    /// tests a dependency on that package.
    static func fields(_ pairs: KeyValuePairs<String, String>) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs {
            fields.append(HTTPFields.Element(name: HTTPFields.Element.Name(name)!, value: value))
        }
        return fields
    }
}
