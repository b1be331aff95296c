import GangwayCore
@testable import GangwayServer
import GangwayTesting
import Testing

@Suite("Registry reload")
struct RegistryReloadTests {
    static func config(_ yaml: String) throws -> GangwayConfig {
        try GangwayInstance.config(yaml: yaml)
    }

    static let base = """
        endpoints:
          - { name: kept, instances: ["http://127.0.0.1:9001"] }
          - { name: changed, instances: ["http://127.0.0.1:9002"] }
          - { name: removed, instances: ["http://127.0.0.1:9003"] }
          - name: hosting
            inference_components:
              - { name: a, instances: ["http://127.0.0.1:9004"] }
        """

    @Test("unchanged models keep their pools; changed, added and removed ones are reported")
    func reuse() throws {
        let before = EndpointRegistry(config: try Self.config(Self.base))
        let after = try EndpointRegistry(
            config: try Self.config(
                """
                endpoints:
                  - { name: KEPT, instances: ["http://127.0.0.1:9001"] }
                  - { name: changed, instances: ["http://127.0.0.1:9005"] }
                  - { name: added, instances: ["http://127.0.0.1:9006"] }
                  - name: hosting
                    inference_components:
                      - { name: a, instances: ["http://127.0.0.1:9004"] }
                      - { name: b, instances: ["http://127.0.0.1:9007"] }
                """), reusing: before)
        #expect(try after.pool(endpoint: "kept", component: nil) === before.pool(endpoint: "kept", component: nil))
        #expect(try after.pool(endpoint: "hosting", component: "a") === before.pool(endpoint: "hosting", component: "a"))
        #expect(try after.pool(endpoint: "changed", component: nil) !== before.pool(endpoint: "changed", component: nil))
        #expect(throws: GatewayError.self) { try after.pool(endpoint: "removed", component: nil) }
        let changes = after.changes(since: before)
        #expect(changes.added == ["added/", "hosting/b"])
        #expect(changes.removed == ["removed/"])
        #expect(changes.changed == ["changed/"])
    }

    @Test("a changed setting makes a new pool")
    func settingsChange() throws {
        let before = EndpointRegistry(config: try Self.config(Self.base))
        let after = try EndpointRegistry(
            config: try Self.config(Self.base.replacingOccurrences(of: "{ name: kept,", with: "{ name: kept, routing: random,")),
            reusing: before)
        #expect(try after.pool(endpoint: "kept", component: nil) !== before.pool(endpoint: "kept", component: nil))
        #expect(try after.pool(endpoint: "kept", component: nil).settings.routing == .random)
    }

    @Test("managed processes cannot be added on reload")
    func runChangesRefused() throws {
        let before = EndpointRegistry(config: try Self.config(Self.base))
        let withRun = Self.base + """

              - name: managed
                run: { command: ["server", "--port", "{port}"] }
            """
        #expect(throws: ReloadRefusal.self) { try EndpointRegistry(config: try Self.config(withRun), reusing: before) }
    }

    @Test("settings bound at start are refused")
    func unchangeable() throws {
        let running = try Self.config(Self.base)
        var moved = running
        moved.listen = ListenAddress(host: "127.0.0.1", port: 9999)
        #expect(throws: ReloadRefusal.self) { try ConfigReloader.checkUnchangeable(running: running, new: moved) }
        var more = running
        more.endpoints.removeLast()
        #expect(throws: Never.self) { try ConfigReloader.checkUnchangeable(running: running, new: more) }
    }
}
