import GangwayCore
import Testing

/// A deterministic generator (SplitMix64) so random choices are reproducible in tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Instance selection and health")
struct RoutingCoreTests {
    @Test("least-outstanding picks the least busy routable instance")
    func leastOutstanding() {
        var rng = SeededGenerator(state: 1)
        let loads = [
            InstanceLoad(index: 0, outstanding: 3, routable: true),
            InstanceLoad(index: 1, outstanding: 0, routable: false),
            InstanceLoad(index: 2, outstanding: 1, routable: true),
            InstanceLoad(index: 3, outstanding: 2, routable: true),
        ]
        #expect(InstanceSelector.choose(policy: .leastOutstandingRequests, loads: loads, using: &rng) == 2)
        #expect(InstanceSelector.choose(policy: .leastOutstandingRequests, loads: loads, excluding: [2], using: &rng) == 3)
        #expect(InstanceSelector.choose(policy: .leastOutstandingRequests, loads: loads, excluding: [0, 2, 3], using: &rng) == nil)
    }

    @Test("ties are shared between equally idle instances")
    func tiesAreShared() {
        var rng = SeededGenerator(state: 7)
        let loads = (0..<3).map { InstanceLoad(index: $0, outstanding: 0, routable: true) }
        var counts = [0, 0, 0]
        for _ in 0..<3000 {
            counts[InstanceSelector.choose(policy: .leastOutstandingRequests, loads: loads, using: &rng)!] += 1
        }
        #expect(counts.allSatisfy { $0 > 800 })
    }

    @Test("random never picks an instance out of rotation")
    func randomSkipsUnhealthy() {
        var rng = SeededGenerator(state: 3)
        let loads = [
            InstanceLoad(index: 0, outstanding: 0, routable: false),
            InstanceLoad(index: 1, outstanding: 9, routable: true),
        ]
        for _ in 0..<100 {
            #expect(InstanceSelector.choose(policy: .random, loads: loads, using: &rng) == 1)
        }
        #expect(InstanceSelector.choose(policy: .random, loads: [], using: &rng) == nil)
    }

    @Test(
        "the choice is the one drawn uniformly from the eligible instances, for any loads",
        arguments: [RoutingPolicy.random, .leastOutstandingRequests])
    func sameAsDrawingFromTheEligible(policy: RoutingPolicy) {
        // Reference: list the eligible instances, then draw one with the same generator.
        func reference(_ loads: [InstanceLoad], _ tried: Set<Int>, _ rng: inout SeededGenerator) -> Int? {
            var eligible = loads.filter { $0.routable && !tried.contains($0.index) }
            if policy == .leastOutstandingRequests, let fewest = eligible.map(\.outstanding).min() {
                eligible.removeAll { $0.outstanding != fewest }
            }
            return eligible.randomElement(using: &rng)?.index
        }
        var shapes = SeededGenerator(state: 11)
        for round in 0..<500 {
            let loads = (0..<Int.random(in: 0...6, using: &shapes)).map {
                InstanceLoad(
                    index: $0, outstanding: Int.random(in: 0...2, using: &shapes), routable: Bool.random(using: &shapes))
            }
            let tried = Set(loads.indices.filter { _ in Int.random(in: 0..<4, using: &shapes) == 0 })
            var chooser = SeededGenerator(state: UInt64(round))
            var drawer = SeededGenerator(state: UInt64(round))
            let chosen = InstanceSelector.choose(policy: policy, loads: loads, excluding: tried, using: &chooser)
            #expect(chosen == reference(loads, tried, &drawer), "loads \(loads), tried \(tried)")
        }
    }

    @Test("health leaves rotation after N failures and returns after M successes")
    func healthThresholds() {
        var health = InstanceHealth(unhealthyThreshold: 2, healthyThreshold: 3)
        #expect(health.state == .unknown)
        #expect(health.isRoutable)
        #expect(health.recordFailure() == nil)
        #expect(health.isRoutable)
        #expect(health.recordFailure() == .leftRotation)
        #expect(!health.isRoutable)
        #expect(health.recordFailure() == nil)
        #expect(health.recordSuccess() == nil)
        #expect(health.recordSuccess() == nil)
        #expect(health.recordFailure() == nil)
        #expect(health.recordSuccess() == nil)
        #expect(health.recordSuccess() == nil)
        #expect(health.recordSuccess() == .returnedToRotation)
        #expect(health.state == .healthy)
    }

    @Test("a refused connection takes an instance out at once")
    func connectFailureIsDecisive() {
        var health = InstanceHealth(unhealthyThreshold: 5, healthyThreshold: 1)
        #expect(health.recordSuccess() == nil)
        #expect(health.recordConnectFailure() == .leftRotation)
        #expect(health.recordConnectFailure() == nil)
        #expect(health.recordSuccess() == .returnedToRotation)
    }

    @Test(
        "OpenAI paths and methods",
        arguments: [
            ("POST", "chat/completions", OpenAIRoute.Decision.forward(hasJSONBody: true)),
            ("GET", "chat/completions", .methodNotAllowed(allowed: ["POST"])),
            ("POST", "completions", .forward(hasJSONBody: true)),
            ("POST", "embeddings", .forward(hasJSONBody: true)),
            ("POST", "responses", .forward(hasJSONBody: true)),
            ("GET", "responses/resp_1", .forward(hasJSONBody: false)),
            ("DELETE", "responses/resp_1", .forward(hasJSONBody: false)),
            ("POST", "responses/resp_1/cancel", .forward(hasJSONBody: false)),
            ("GET", "responses/resp_1/input_items", .forward(hasJSONBody: false)),
            ("GET", "models", .forward(hasJSONBody: false)),
            ("GET", "models/some-model", .forward(hasJSONBody: false)),
            ("POST", "models", .methodNotAllowed(allowed: ["GET"])),
            ("POST", "images/generations", .notFound),
            ("POST", "chat", .notFound),
            ("POST", "chat/completions/extra", .notFound),
        ])
    func openAIRoutes(method: String, path: String, expected: OpenAIRoute.Decision) {
        let subpath = path.split(separator: "/")
        #expect(OpenAIRoute.classify(method: method, subpath: subpath) == expected)
    }
}
