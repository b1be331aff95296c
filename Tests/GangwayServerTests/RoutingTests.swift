import AsyncHTTPClient
import Foundation
import GangwayCore
import GangwayMockModel
import GangwayTesting
import NIOCore
import Testing

@Suite("Routing and health", .serialized)
struct RoutingTests {
    static let fastHealth = """
        health_check: { interval: 100ms, timeout: 500ms, unhealthy_threshold: 2, healthy_threshold: 1 }
        """

    @Test("a killed instance leaves rotation and returns when it comes back; all down is a 503")
    func healthChecksFollowInstances() async throws {
        let first = try await MockInstance.start()
        let second = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(
            try singleModelConfig(["demo": [first, second]], extra: Self.fastHealth))
        defer { Task { await gangway.server.stop(); await first.server.stop(); await second.server.stop() } }
        let url = gangway.openAIBase(endpoint: "demo") + "/chat/completions"

        await first.server.stop()
        try await Task.sleep(for: .milliseconds(500))
        second.stats.reset()
        for _ in 0..<10 {
            let reply = try await gangway.post(url, json: chatBody)
            #expect(reply.status == 200)
        }
        #expect(second.stats.requests == 10)

        await second.server.stop()
        try await Task.sleep(for: .milliseconds(500))
        let down = try await gangway.post(url, json: chatBody)
        #expect(down.status == 503)
        let error = try down.json()["error"] as? [String: Any]
        #expect(error?["code"] as? String == "no_healthy_instance")
        #expect((error?["message"] as? String)?.contains("endpoint demo") == true)

        try await first.server.start()
        #expect(await eventually { (try? await gangway.post(url, json: chatBody).status) == 200 })
        first.stats.reset()
        let back = try await gangway.post(url, json: chatBody)
        #expect(back.status == 200)
        #expect(first.stats.requests == 1)
    }

    @Test("a refused connection is retried on a healthy instance")
    func connectRefusedIsRetried() async throws {
        let dead = try await MockInstance.start()
        let alive = try await MockInstance.start()
        // Probes are slow here, so the dead instance is still in rotation when requests arrive.
        let gangway = try await GangwayInstance.start(
            try singleModelConfig(
                ["demo": [dead, alive]],
                extra: "health_check: { interval: 1h }\nrouting: random"))
        defer { Task { await gangway.server.stop(); await alive.server.stop() } }
        await dead.server.stop()

        alive.stats.reset()
        for _ in 0..<8 {
            let reply = try await gangway.post(gangway.openAIBase(endpoint: "demo") + "/chat/completions", json: chatBody)
            #expect(reply.status == 200)
        }
        #expect(alive.stats.requests == 8)
    }

    @Test("least-outstanding-requests sends new work to the idle instance")
    func leastOutstandingPrefersIdle() async throws {
        let first = try await MockInstance.start()
        let second = try await MockInstance.start()
        let gangway = try await GangwayInstance.start(try singleModelConfig(["demo": [first, second]]))
        defer { Task { await gangway.server.stop(); await first.server.stop(); await second.server.stop() } }
        let url = gangway.openAIBase(endpoint: "demo") + "/chat/completions"

        // One slow request occupies one instance...
        let slow = Task {
            try await gangway.post(url, json: chatBody, headers: [("x-mock-delay-ms", "1500")])
        }
        #expect(await eventually { first.stats.requests + second.stats.requests == 1 })
        let busy = first.stats.requests == 1 ? first : second
        let idle = first.stats.requests == 1 ? second : first
        // ...so every request meanwhile goes to the other one.
        for _ in 0..<6 {
            let reply = try await gangway.post(url, json: chatBody)
            #expect(reply.status == 200)
        }
        #expect(busy.stats.requests == 1)
        #expect(idle.stats.requests == 6)
        #expect(try await slow.value.status == 200)
    }

    @Test("components are routed by path")
    func componentRouting() async throws {
        let general = try await MockInstance.start(MockModelConfiguration(modelName: "general-model"))
        let summarizer = try await MockInstance.start(MockModelConfiguration(modelName: "summarizer-model"))
        let config = try GangwayInstance.config(
            yaml: """
                endpoints:
                  - name: shared
                    inference_components:
                      - name: general
                        instances: [{ url: "\(general.url)" }]
                      - name: Summarizer
                        instances: [{ url: "\(summarizer.url)" }]
                """)
        let gangway = try await GangwayInstance.start(config)
        defer { Task { await gangway.server.stop(); await general.server.stop(); await summarizer.server.stop() } }

        let toGeneral = try await gangway.send(.GET, gangway.openAIBase(endpoint: "shared", component: "general") + "/models")
        let toSummarizer = try await gangway.send(
            .GET, gangway.openAIBase(endpoint: "SHARED", component: "summarizer") + "/models")
        #expect(toGeneral.text.contains("general-model"))
        #expect(toSummarizer.text.contains("summarizer-model"))

        let unknown = try await gangway.post(
            gangway.openAIBase(endpoint: "shared", component: "nope") + "/chat/completions", json: chatBody)
        #expect(unknown.status == 400)
        #expect(unknown.text.contains("Inference Component nope"))
        let noComponent = try await gangway.post(gangway.openAIBase(endpoint: "shared") + "/chat/completions", json: chatBody)
        #expect(noComponent.status == 400)
        #expect(noComponent.text.contains("hosts inference components"))
    }
}
