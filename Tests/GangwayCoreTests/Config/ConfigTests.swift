import GangwayCore
import Testing

@Suite("Configuration")
struct ConfigTests {
    /// Builds a node tree from a compact literal so each table row reads like the YAML it stands for.
    static func map(_ entries: KeyValuePairs<String, ConfigNode>) -> ConfigNode {
        .map(Dictionary(uniqueKeysWithValues: entries.map { ($0.key, $0.value) }))
    }

    static func endpoint(_ name: String, _ urls: [String]) -> ConfigNode {
        map(["name": .string(name), "instances": .list(urls.map { map(["url": .string($0)]) })])
    }

    @Test("an empty document gives every default")
    func defaults() throws {
        let config = try GangwayConfig(node: .null)
        #expect(config.account == "123456789012")
        #expect(config.region == "us-east-1")
        #expect(config.listen == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(config.dataDirectory == "./gangway-data")
        #expect(config.endpointDefaults.routing == .leastOutstandingRequests)
        #expect(config.endpointDefaults.timeouts.firstByte == .seconds(300))
        #expect(config.endpointDefaults.timeouts.idle == .seconds(60))
        #expect(config.endpointDefaults.timeouts.total == .seconds(900))
    }

    @Test("a full document is read with overrides inherited from the top level")
    func fullDocument() throws {
        let node = Self.map([
            "account": .int(111_122_223_333),
            "region": .string("eu-west-1"),
            "listen": .string("[::1]:9000"),
            "data": .string("/var/lib/gangway"),
            "timeouts": Self.map(["idle": .string("30s")]),
            "endpoints": .list([
                Self.map([
                    "name": .string("qwen"), "routing": .string("random"),
                    "timeouts": Self.map(["first_byte": .string("1m30s"), "total": .int(60)]),
                    "instances": .list([.string("http://127.0.0.1:8001"), Self.map(["url": .string("https://gpu-1:8443/prefix/")])]),
                ]),
                Self.map([
                    "name": .string("shared"),
                    "inference_components": .list([
                        Self.map(["name": .string("general"), "instances": .list([.string("http://127.0.0.1:8003")])])
                    ]),
                ]),
            ]),
        ])
        let config = try GangwayConfig(node: node)
        #expect(config.account == "111122223333")
        #expect(config.listen == ListenAddress(host: "::1", port: 9000))
        let qwen = config.endpoints[0]
        #expect(qwen.settings.routing == .random)
        #expect(qwen.settings.timeouts.firstByte == .seconds(90))
        #expect(qwen.settings.timeouts.total == .seconds(60))
        #expect(qwen.settings.timeouts.idle == .seconds(30))
        guard case .model(let model) = qwen.backend else {
            Issue.record("expected a single-model endpoint")
            return
        }
        #expect(model.instances.map(\.url.description) == ["http://127.0.0.1:8001", "https://gpu-1:8443/prefix"])
        guard case .components(let components) = config.endpoints[1].backend else {
            Issue.record("expected components")
            return
        }
        #expect(components.map(\.name) == ["general"])
        #expect(config.endpoints[1].settings.timeouts.idle == .seconds(30))
    }

    struct BadCase: Sendable, CustomStringConvertible {
        let node: ConfigNode
        let error: String
        var description: String { error }
    }

    static let badCases: [BadCase] = [
        BadCase(node: map(["account": .string("12")]), error: #"account: must be a 12-digit account id, found "12""#),
        BadCase(node: map(["region": .string("US East")]), error: "region: not a region name (example: us-east-1)"),
        BadCase(node: map(["listen": .string("localhost")]), error: "listen: expected host:port (example: 127.0.0.1:8080)"),
        BadCase(node: map(["lisen": .string("x")]), error: "lisen: unknown key"),
        BadCase(node: .list([]), error: "expected a mapping, found a list"),
        BadCase(
            node: map(["endpoints": .list([endpoint("a", ["http://h:1"]), endpoint("b", ["ftp://nope"])])]),
            error: "endpoints[1].instances[0].url: not a URL (expected http://host:port)"),
        BadCase(node: map(["endpoints": .list([map(["instances": .list([])])])]), error: "endpoints[0].name: required"),
        BadCase(
            node: map(["endpoints": .list([map(["name": .string("-bad-")])])]),
            error:
                #"endpoints[0].name: "-bad-" is not a valid name (1-63 letters, digits and hyphens, starting and ending with a letter or digit)"#
        ),
        BadCase(
            node: map(["endpoints": .list([map(["name": .string("x")])])]),
            error: "endpoints[0].instances: must list at least one instance"),
        BadCase(
            node: map(["endpoints": .list([endpoint("dup", ["http://h:1"]), endpoint("DUP", ["http://h:2"])])]),
            error: "endpoints[1].name: duplicate endpoint name (also endpoints[0].name)"),
        BadCase(
            node: map(["endpoints": .list([map(["name": .string("x"), "routing": .string("round-robin")])])]),
            error: #"endpoints[0].routing: unknown routing "round-robin" (known: least-outstanding-requests, random)"#),
        BadCase(
            node: map(["timeouts": map(["idle": .string("soon")])]),
            error: "timeouts.idle: not a duration (examples: 500ms, 30s, 5m, 1h)"),
        BadCase(node: map(["timeouts": map(["idel": .string("1s")])]), error: "timeouts.idel: unknown key"),
        BadCase(
            node: map(["health_check": map(["unhealthy_threshold": .int(0)])]),
            error: "health_check.unhealthy_threshold: must be between 1 and 100, found 0"),
        BadCase(
            node: map([
                "endpoints": .list([
                    map([
                        "name": .string("x"), "instances": .list([.string("http://h:1")]),
                        "inference_components": .list([]),
                    ])
                ])
            ]),
            error: "endpoints[0]: has both instances and inference_components; an endpoint hosts one model or components"),
        BadCase(
            node: map([
                "endpoints": .list([
                    map([
                        "name": .string("x"),
                        "inference_components": .list([map(["name": .string("c"), "instances": .list([.string("nope")])])]),
                    ])
                ])
            ]),
            error: "endpoints[0].inference_components[0].instances[0].url: not a URL (expected http://host:port)"),
    ] + runBadCases

    @Test("bad configurations name the key path", arguments: badCases)
    func badConfig(_ testCase: BadCase) {
        #expect(throws: ConfigError.self) { try GangwayConfig(node: testCase.node) }
        do {
            _ = try GangwayConfig(node: testCase.node)
        } catch {
            #expect(error.description == testCase.error)
        }
    }

    @Test(
        "instance URLs",
        arguments: [
            ("http://127.0.0.1:8001", "http://127.0.0.1:8001"),
            ("http://localhost", "http://localhost:80"),
            ("https://gpu.internal/", "https://gpu.internal:443"),
            ("http://[::1]:9000/v", "http://[::1]:9000/v"),
            ("HTTP://Host:1", "http://Host:1"),
        ])
    func instanceURLs(input: String, expected: String) {
        #expect(InstanceURL(input)?.description == expected)
    }

    @Test("not instance URLs", arguments: ["127.0.0.1:8001", "ftp://h:1", "http://", "http://h:0", "http://h:99999", "http://h:1/?q=1", "http://0.0.0.0:1"])
    func notInstanceURLs(input: String) {
        #expect(InstanceURL(input) == nil)
    }

    @Test(
        "listen addresses",
        arguments: [
            ("127.0.0.1:8080", "127.0.0.1", 8080, true),
            ("[::1]:1", "::1", 1, true),
            ("localhost:0", "localhost", 0, true),
            ("0.0.0.0:80", "0.0.0.0", 80, false),
            (":9000", "0.0.0.0", 9000, false),
            ("10.1.2.3:443", "10.1.2.3", 443, false),
        ])
    func listenAddresses(text: String, host: String, port: Int, loopback: Bool) throws {
        let address = try #require(ListenAddress.parse(text))
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.isLoopback == loopback)
    }
}
