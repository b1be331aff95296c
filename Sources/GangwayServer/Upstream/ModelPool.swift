public import GangwayCore
import Synchronization

/// The instances serving one model (a single-model endpoint or one inference component), with
/// their health and outstanding requests, shared by request handlers and the health checker.
///
/// All mutable state sits behind one `Mutex`; nothing awaits while holding it.
public final class ModelPool: Sendable {
    /// A class, made once per pool: a request holds one reference, not the URL's several strings.
    public final class Instance: Sendable, Hashable {
        public let index: Int
        public let url: InstanceURL

        init(index: Int, url: InstanceURL) {
            self.index = index
            self.url = url
        }

        public static func == (lhs: Instance, rhs: Instance) -> Bool {
            lhs.index == rhs.index && lhs.url == rhs.url
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(index)
            hasher.combine(url)
        }
    }

    public struct InstanceStatus: Sendable, Equatable {
        public let url: InstanceURL
        public let health: InstanceHealth.State
        public let outstanding: Int
    }

    /// What the logs and errors call this model: `endpoint demo`, `component general of endpoint shared`.
    public let target: String
    public let endpointName: String
    public let componentName: String?
    public let instances: [Instance]
    public let settings: EndpointSettings
    private let state: Mutex<PoolState>

    struct PoolState: ~Copyable {
        var outstanding: [Int]
        var health: [InstanceHealth]
        var probePaths: [String?]
        var rng = SplitMix64()
    }

    /// `startingOutOfRotation` lists instances (by index) that wait for a good probe before they
    /// take traffic, such as managed copies whose process has not started yet; the others start
    /// in rotation, as ``InstanceHealth`` explains.
    public init(
        endpointName: String, componentName: String?, model: ModelConfig, settings: EndpointSettings,
        startingOutOfRotation: Set<Int> = []
    ) {
        self.endpointName = endpointName
        self.componentName = componentName
        self.target = componentName.map { "component \($0) of endpoint \(endpointName)" } ?? "endpoint \(endpointName)"
        self.instances = model.instances.enumerated().map { Instance(index: $0.offset, url: $0.element.url) }
        self.settings = settings
        let health = InstanceHealth(
            unhealthyThreshold: settings.healthCheck.unhealthyThreshold,
            healthyThreshold: settings.healthCheck.healthyThreshold)
        var initialHealth = Array(repeating: health, count: model.instances.count)
        // Managed copies: a server that is not running yet is recorded as one that refused a connection.
        for index in startingOutOfRotation where initialHealth.indices.contains(index) {
            _ = initialHealth[index].recordConnectFailure()
        }
        self.state = Mutex(
            PoolState(
                outstanding: Array(repeating: 0, count: model.instances.count),
                health: initialHealth,
                probePaths: Array(repeating: nil, count: model.instances.count)))
    }

    /// Picks a routable instance not yet tried and counts the request against it.
    func acquire(excluding tried: Set<Int>) -> Instance? {
        let policy = settings.routing
        let chosen = state.withLock { state -> Int? in
            var rng = state.rng
            defer { state.rng = rng }
            guard
                let index = InstanceSelector.choose(
                    policy: policy, count: instances.count,
                    load: {
                        InstanceLoad(
                            index: $0, outstanding: state.outstanding[$0], routable: state.health[$0].isRoutable)
                    },
                    excluding: tried, using: &rng)
            else { return nil }
            state.outstanding[index] += 1
            return index
        }
        return chosen.map { instances[$0] }
    }

    /// Counts a request against one given instance, whatever its health: a stateful session
    /// lives on that instance, so no other may answer for it. Nil if the pool has no such index.
    func acquire(index: Int) -> Instance? {
        guard instances.indices.contains(index) else { return nil }
        state.withLock { $0.outstanding[index] += 1 }
        return instances[index]
    }

    func release(_ instance: Instance) {
        state.withLock { $0.outstanding[instance.index] -= 1 }
    }

    func recordConnectFailure(_ instance: Instance) -> InstanceHealth.Transition? {
        state.withLock { $0.health[instance.index].recordConnectFailure() }
    }

    func recordProbe(_ instance: Instance, healthy: Bool) -> InstanceHealth.Transition? {
        state.withLock { state in
            healthy ? state.health[instance.index].recordSuccess() : state.health[instance.index].recordFailure()
        }
    }

    /// The path that last answered a health probe, so later probes go straight to it.
    func probePath(_ instance: Instance) -> String? {
        state.withLock { $0.probePaths[instance.index] }
    }

    func setProbePath(_ path: String?, for instance: Instance) {
        state.withLock { $0.probePaths[instance.index] = path }
    }

    public func status() -> [InstanceStatus] {
        state.withLock { state in
            instances.map {
                InstanceStatus(url: $0.url, health: state.health[$0.index].state, outstanding: state.outstanding[$0.index])
            }
        }
    }
}
