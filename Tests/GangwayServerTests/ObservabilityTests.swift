import Foundation
import GangwayCore
import GangwayMockModel
import GangwayServer
import GangwayTesting
import Testing

@Suite("Metrics and access log", .serialized)
struct ObservabilityTests {
    /// The value of one sample line `name{labels} value` in Prometheus text.
    static func sample(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test("metric values after a known sequence of requests")
    func metricValues() async throws {
        let mock = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(try singleModelConfig(["demo": [mock]]))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let url = gangway.openAIBase(endpoint: "demo") + "/chat/completions"
        // Three good answers of 5 tokens each ("Hello there" is 2 prompt words), streamed once.
        for _ in 0..<2 {
            #expect(try await gangway.post(url, json: #"{"model":"","max_tokens":5,"messages":[{"role":"user","content":"Hello there"}]}"#).status == 200)
        }
        let streamed = try await gangway.post(
            url, json: #"{"model":"","stream":true,"stream_options":{"include_usage":true},"max_tokens":5,"messages":[{"role":"user","content":"Hello there"}]}"#)
        #expect(streamed.status == 200)
        // One model error (503 from the instance), one gateway 4xx (bad JSON), one auth failure.
        #expect(try await gangway.post(url, json: chatBody, headers: [("x-mock-status", "503")]).status == 503)
        #expect(try await gangway.post(url, json: "{bad").status == 400)
        #expect(try await HTTPTestClient.post(url, json: chatBody).status == 401)

        let text = try await HTTPTestClient.send(.GET, gangway.baseURL + "/metrics").text
        let labels = #"{endpoint="demo",component=""}"#
        #expect(Self.sample(text, "gangway_invocations_total" + labels) == 5)
        #expect(Self.sample(text, "gangway_invocation_4xx_errors_total" + labels) == 1)
        #expect(Self.sample(text, "gangway_invocation_5xx_errors_total" + labels) == 1)
        #expect(Self.sample(text, "gangway_invocation_model_errors_total" + labels) == 1)
        #expect(Self.sample(text, "gangway_completion_tokens_total" + labels) == 15)
        #expect(Self.sample(text, "gangway_prompt_tokens_total" + labels) == 6)
        #expect(Self.sample(text, "gangway_concurrent_requests" + labels) == 0)
        #expect(
            Self.sample(text, #"gangway_invocations_per_instance_total{endpoint="demo",component="",instance="\#(mock.url)"}"#) == 4)
        #expect(Self.sample(text, #"gangway_model_latency_microseconds_count"# + labels) == 4)
        #expect(Self.sample(text, #"gangway_auth_failures_total{reason="missing"}"#) == 1)
        #expect(Self.sample(text, #"gangway_instance_healthy{endpoint="demo",component="",instance="\#(mock.url)"}"#) == 1)
        // Time to first token is recorded once per response that had a body.
        #expect((Self.sample(text, #"gangway_time_to_first_token_microseconds_count"# + labels) ?? 0) >= 4)
        #expect(!text.contains("sagemaker-api-key"))
    }

    @Test("one JSON access-log line per request, with the request id the client saw and no secret")
    func accessLogLines() async throws {
        let mock = try await MockInstance.start()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("access-\(UUID().uuidString).log").path
        let gangway = try await GangwayInstance.start(
            try singleModelConfig(["demo": [mock]]), accessLog: try AccessLog(setting: path))
        defer { Task { await gangway.server.stop(); await mock.server.stop() } }
        let url = gangway.openAIBase(endpoint: "demo") + "/chat/completions"
        let ok = try await gangway.post(url, json: #"{"model":"","max_tokens":3,"messages":[{"role":"user","content":"one two three"}]}"#)
        let denied = try await HTTPTestClient.post(url, json: chatBody, headers: [("Authorization", "Bearer nope")])
        let streamed = try await gangway.post(url, json: #"{"model":"","stream":true,"stream_options":{"include_usage":true},"max_tokens":2,"messages":[{"role":"user","content":"hi"}]}"#)
        #expect(await eventually {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").count == 3
        })
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let byID = Dictionary(uniqueKeysWithValues: lines.map { ($0["request_id"] as? String ?? "", $0) })
        let okLine = try #require(byID[ok.headers.first(name: "x-amzn-RequestId") ?? ""])
        #expect(okLine["status"] as? Int == 200)
        #expect(okLine["principal"] as? String == "arn:aws:iam::123456789012:user/admin")
        #expect(okLine["access_key_id"] as? String == gangway.adminKey.metadata.accessKeyID)
        #expect(okLine["endpoint"] as? String == "demo")
        #expect(okLine["instance"] as? String == mock.url)
        #expect(okLine["prompt_tokens"] as? Int == 3)
        #expect(okLine["completion_tokens"] as? Int == 3)
        #expect((okLine["bytes_in"] as? Int ?? 0) > 0)
        #expect(okLine["bytes_out"] as? Int == ok.body.count)
        #expect(okLine["client"] as? String == "127.0.0.1")
        #expect(okLine["total_us"] is Int)
        #expect(okLine["ttfb_us"] is Int)
        let deniedLine = try #require(byID[denied.headers.first(name: "x-amzn-RequestId") ?? ""])
        #expect(deniedLine["status"] as? Int == 401)
        #expect(deniedLine["principal"] == nil)
        #expect(deniedLine["bytes_out"] as? Int == denied.body.count)
        let streamLine = try #require(byID[streamed.headers.first(name: "x-amzn-RequestId") ?? ""])
        #expect(streamLine["completion_tokens"] as? Int == 2)
        #expect(streamLine["bytes_out"] as? Int == streamed.body.count)
        let raw = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!raw.contains("sagemaker-api-key"))
        #expect(!raw.contains(gangway.adminKey.secretAccessKey.reveal()))
    }
}
