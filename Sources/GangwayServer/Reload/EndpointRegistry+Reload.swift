public import GangwayCore

/// Why a new configuration was not applied; the old one stays in force.
public struct ReloadRefusal: Error, Sendable, CustomStringConvertible {
    public let description: String
}

extension EndpointRegistry {
    /// A pool's identity across reloads: the endpoint and component it serves.
    static func poolKey(endpoint: String, component: String?) -> String {
        "\(endpoint.lowercased())/\(component?.lowercased() ?? "")"
    }

    /// The registry for a reloaded configuration. A model whose instances and settings did not
    /// change keeps its pool (health, in-flight counts and managed processes carry over); a
    /// changed model gets a new pool, and the old one drains with the requests still on it.
    /// Managed processes (`run:`) are not started or stopped by a reload: a reload that adds,
    /// removes or changes one is refused.
    public init(config: GangwayConfig, reusing previous: EndpointRegistry) throws(ReloadRefusal) {
        var previousRuns: [String: RunConfig] = [:]
        for (key, source) in previous.sources where source.model.run != nil {
            previousRuns[key] = source.model.run
        }
        var endpoints: [String: Endpoint] = [:]
        var sources: [String: PoolSource] = [:]
        var noPorts: [Int] = []
        var noCopies: [ManagedCopy] = []
        func pool(endpoint: String, component: String?, model: ModelConfig, settings: EndpointSettings) throws(ReloadRefusal)
            -> ModelPool
        {
            let key = Self.poolKey(endpoint: endpoint, component: component)
            let old = previous.sources[key]
            if model.run != old?.model.run {
                throw ReloadRefusal(
                    description:
                        "\(component.map { "component \($0) of " } ?? "")endpoint \(endpoint): managed processes (run:) cannot change on reload; restart Gangway to apply that"
                )
            }
            previousRuns[key] = nil
            if let old, old.model == model, old.settings == settings {
                sources[key] = old
                return old.pool
            }
            let fresh = Self.makePool(
                endpointName: endpoint, componentName: component, model: model, settings: settings, ports: &noPorts,
                copies: &noCopies)
            sources[key] = PoolSource(pool: fresh, model: model, settings: settings)
            return fresh
        }
        for endpoint in config.endpoints {
            let backend: Endpoint.Backend
            switch endpoint.backend {
            case .model(let model):
                backend = .model(try pool(endpoint: endpoint.name, component: nil, model: model, settings: endpoint.settings))
            case .components(let components):
                var pools: [String: ModelPool] = [:]
                for component in components {
                    pools[component.name.lowercased()] = try pool(
                        endpoint: endpoint.name, component: component.name, model: component.model,
                        settings: endpoint.settings)
                }
                backend = .components(pools)
            }
            endpoints[endpoint.name.lowercased()] = Endpoint(name: endpoint.name, backend: backend)
        }
        if let removed = previousRuns.keys.sorted().first {
            throw ReloadRefusal(
                description: "\(removed): managed processes (run:) cannot be removed on reload; restart Gangway to apply that")
        }
        self.init(account: config.account, endpointsByName: endpoints, sources: sources, managedCopies: previous.managedCopies)
    }

    /// What changed between two registries, for the reload log line.
    public func changes(since previous: EndpointRegistry) -> (added: [String], removed: [String], changed: [String]) {
        let before = previous.sources
        let after = sources
        let added = after.keys.filter { before[$0] == nil }.sorted()
        let removed = before.keys.filter { after[$0] == nil }.sorted()
        let changed = after.keys.filter { key in before[key].map { $0.pool !== after[key]!.pool } ?? false }.sorted()
        return (added, removed, changed)
    }
}
