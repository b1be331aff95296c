import GangwayCore
@testable import GangwayServer
import GangwayTesting
import Testing

/// How the registry turns `run:` into pool instances, before any process starts.
@Suite("Managed copies in the registry")
struct ManagedCopyTests {
    static let yaml = """
        endpoints:
          - name: mixed
            instances: [{ url: "http://10.0.0.9:8000" }]
            run:
              command: ["server", "--port", "{port}", "--gpu", "{copy}"]
              copies: 2
              env: { SHARD: "{copy}", PORT: "{port}" }
              health_path: /v1/models
          - name: listed
            instances: [{ url: "http://10.0.0.8:8000" }]
          - name: shared
            inference_components:
              - name: summarizer
                run: { command: ["server", "{port}"] }
        """

    @Test("copies follow the listed instances, each on its own loopback port, out of rotation until probed")
    func pools() throws {
        let registry = EndpointRegistry(config: try GangwayInstance.config(yaml: Self.yaml))
        let copies = registry.managedCopies
        #expect(copies.map(\.label) == ["mixed#0", "mixed#1", "summarizer#0"])
        #expect(Set(copies.map(\.port)).count == 3)
        #expect(copies.allSatisfy { (1...65535).contains($0.port) })

        guard case .model(let mixed) = registry.endpoint(named: "mixed")?.backend else {
            Issue.record("expected a single-model endpoint")
            return
        }
        #expect(
            mixed.instances.map(\.url.description)
                == ["http://10.0.0.9:8000", "http://127.0.0.1:\(copies[0].port)", "http://127.0.0.1:\(copies[1].port)"])
        #expect(mixed.status().map(\.health) == [.unknown, .unhealthy, .unhealthy])
        #expect(copies[0].pool === mixed)
        #expect(copies.prefix(2).map(\.instance.index) == [1, 2])
        // health_path is where the health checker probes the copies too.
        #expect(mixed.probePath(mixed.instances[1]) == "/v1/models")
        #expect(mixed.probePath(mixed.instances[0]) == nil)

        guard case .model(let listed) = registry.endpoint(named: "listed")?.backend else {
            Issue.record("expected a single-model endpoint")
            return
        }
        #expect(listed.status().map(\.health) == [.unknown])
        #expect(registry.allPools.count == 3)
    }

    @Test("each copy gets its own arguments and environment, without Gangway's master key")
    func argumentsAndEnvironment() throws {
        let registry = EndpointRegistry(config: try GangwayInstance.config(yaml: Self.yaml))
        let copy = registry.managedCopies[1]
        #expect(copy.arguments == ["server", "--port", String(copy.port), "--gpu", "1"])
        let environment = copy.processEnvironment(
            inheriting: ["PATH": "/usr/bin", "PORT": "1", "GANGWAY_MASTER_KEY": "c2VjcmV0", "HOME": "/root"])
        #expect(environment == ["PATH": "/usr/bin", "HOME": "/root", "SHARD": "1", "PORT": String(copy.port)])
    }

    @Test("a configuration without run: has no managed copies")
    func none() throws {
        let registry = EndpointRegistry(config: try GangwayInstance.config(yaml: "endpoints: [{ name: a, instances: [\"http://h:1\"] }]"))
        #expect(registry.managedCopies.isEmpty)
    }
}
