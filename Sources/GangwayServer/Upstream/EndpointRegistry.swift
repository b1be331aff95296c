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

    private let endpoints: [String: Endpoint]
    public let account: String

    public init(config: GangwayConfig) {
        account = config.account
        var endpoints: [String: Endpoint] = [:]
        for endpoint in config.endpoints {
            let backend: Endpoint.Backend
            switch endpoint.backend {
            case .model(let model):
                backend = .model(
                    ModelPool(endpointName: endpoint.name, componentName: nil, model: model, settings: endpoint.settings))
            case .components(let components):
                var pools: [String: ModelPool] = [:]
                for component in components {
                    pools[component.name.lowercased()] = ModelPool(
                        endpointName: endpoint.name, componentName: component.name, model: component.model,
                        settings: endpoint.settings)
                }
                backend = .components(pools)
            }
            endpoints[endpoint.name.lowercased()] = Endpoint(name: endpoint.name, backend: backend)
        }
        self.endpoints = endpoints
    }

    public func endpoint(named name: some StringProtocol) -> Endpoint? {
        endpoints[name.lowercased()]
    }

    /// Every pool, for the health checker and status views, in a stable order.
    public var allPools: [ModelPool] {
        endpoints.keys.sorted().flatMap { key -> [ModelPool] in
            switch endpoints[key]!.backend {
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
