import Foundation
import GangwayCore
import GangwayMockModel
import GangwayTesting

/// A Gangway config with one single-model endpoint per name, each over the given instances.
func singleModelConfig(_ endpoints: [String: [MockInstance]], extra: String = "") throws -> GangwayConfig {
    var yaml = "\(extra)\nendpoints:\n"
    for (name, instances) in endpoints.sorted(by: { $0.key < $1.key }) {
        yaml += "  - name: \(name)\n    instances:\n"
        for instance in instances { yaml += "      - url: \(instance.url)\n" }
    }
    return try GangwayInstance.config(yaml: yaml)
}

let chatBody = #"{"model":"","messages":[{"role":"user","content":"Hello there"}]}"#

/// Polls until a condition holds or the time is up; tests assert on the result.
func eventually(within limit: Duration = .seconds(5), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// Splits an SSE body into its `data:` payloads.
func sseData(_ text: String) -> [String] {
    text.components(separatedBy: "\n\n").compactMap { event in
        event.split(separator: "\n").first { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
    }
}
