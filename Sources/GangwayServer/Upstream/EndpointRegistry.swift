public import GangwayCore

/// Every endpoint and inference component Gangway serves, looked up by name on each request.
///
/// Names are matched case-insensitively, as their ARNs are lower-cased.
public struct EndpointRegistry: Sendable {
    public struct Endpoint: Sendable {
        public let name: String
        public let backend: Backend

        public enum Backend: Sendable {
            case model(ModelPool)
            case components([String: ModelPool])
        }
    }

    /// Where a pool came from, so a reload can tell whether it changed.
    struct PoolSource: Sendable {
        let pool: ModelPool
        let model: ModelConfig
        let settings: EndpointSettings
    }

    private let endpointsByName: [String: Endpoint]
    let sources: [String: PoolSource]
    public let account: String
    /// The model server processes Gangway runs itself (`run:`), for the process supervisor.
    public let managedCopies: [ManagedCopy]

    public init(config: GangwayConfig) {
        var endpoints: [String: Endpoint] = [:]
        var managedCopies: [ManagedCopy] = []
        var sources: [String: PoolSource] = [:]
        var ports = LoopbackPorts.reserve(count: Self.managedCopyCount(config))
        for endpoint in config.endpoints {
            let backend: Endpoint.Backend
            switch endpoint.backend {
            case .model(let model):
                let pool = Self.makePool(
                    endpointName: endpoint.name, componentName: nil, model: model, settings: endpoint.settings,
                    ports: &ports, copies: &managedCopies)
                sources[Self.poolKey(endpoint: endpoint.name, component: nil)] = PoolSource(
                    pool: pool, model: model, settings: endpoint.settings)
                backend = .model(pool)
            case .components(let components):
                var pools: [String: ModelPool] = [:]
                for component in components {
                    let pool = Self.makePool(
                        endpointName: endpoint.name, componentName: component.name, model: component.model,
                        settings: endpoint.settings, ports: &ports, copies: &managedCopies)
                    sources[Self.poolKey(endpoint: endpoint.name, component: component.name)] = PoolSource(
                        pool: pool, model: component.model, settings: endpoint.settings)
                    pools[component.name.lowercased()] = pool
                }
                backend = .components(pools)
            }
            endpoints[endpoint.name.lowercased()] = Endpoint(name: endpoint.name, backend: backend)
        }
        self.init(account: config.account, endpointsByName: endpoints, sources: sources, managedCopies: managedCopies)
    }

    init(account: String, endpointsByName: [String: Endpoint], sources: [String: PoolSource], managedCopies: [ManagedCopy]) {
        self.account = account
        self.endpointsByName = endpointsByName
        self.sources = sources
        self.managedCopies = managedCopies
    }

    public func endpoint(named name: some StringProtocol) -> Endpoint? {
        endpointsByName[name.lowercased()]
    }

    /// Every endpoint, ordered by name.
    public var endpoints: [Endpoint] {
        self.endpointsByName.keys.sorted().map { self.endpointsByName[$0]! }
    }

    /// Every pool, for the health checker and status views, in a stable order.
    public var allPools: [ModelPool] {
        endpointsByName.keys.sorted().flatMap { key -> [ModelPool] in
            switch endpointsByName[key]!.backend {
            case .model(let pool): [pool]
            case .components(let pools): pools.keys.sorted().map { pools[$0]! }
            }
        }
    }

    /// Resolves a request's endpoint and optional component to the pool that serves it.
    func pool(endpoint name: Substring, component: Substring?) throws(GatewayError) -> ModelPool {
        guard let endpoint = endpoint(named: name) else {
            throw .endpointNotFound(String(name), account: account)
        }
        switch (endpoint.backend, component) {
        case (.model(let pool), nil):
            return pool
        case (.model, .some):
            throw .endpointHasNoComponents(endpoint.name)
        case (.components, nil):
            throw .endpointHostsComponents(endpoint.name)
        case (.components(let pools), .some(let componentName)):
            guard let pool = pools[componentName.lowercased()] else {
                throw .componentNotFound(String(componentName), endpoint: endpoint.name, account: account)
            }
            return pool
        }
    }
}
