import GangwayCore

extension EndpointRegistry {
    /// How many managed copies the whole configuration runs, to reserve their ports in one go.
    static func managedCopyCount(_ config: GangwayConfig) -> Int {
        config.endpoints.reduce(0) { total, endpoint in
            switch endpoint.backend {
            case .model(let model): total + (model.run?.copies ?? 0)
            case .components(let components): total + components.reduce(0) { $0 + ($1.model.run?.copies ?? 0) }
            }
        }
    }

    /// A model's pool: its listed instances, then one instance per managed copy at
    /// `http://127.0.0.1:{port}`. Copies start out of rotation; their first good probe brings them in.
    static func makePool(
        endpointName: String, componentName: String?, model: ModelConfig, settings: EndpointSettings,
        ports: inout [Int], copies: inout [ManagedCopy]
    ) -> ModelPool {
        guard let run = model.run else {
            return ModelPool(endpointName: endpointName, componentName: componentName, model: model, settings: settings)
        }
        let copyPorts = Array(ports.prefix(run.copies))
        ports.removeFirst(copyPorts.count)
        var combined = model
        combined.instances += copyPorts.map { InstanceConfig(url: InstanceURL("http://127.0.0.1:\($0)")!) }
        let firstCopy = model.instances.count
        let pool = ModelPool(
            endpointName: endpointName, componentName: componentName, model: combined, settings: settings,
            startingOutOfRotation: Set(firstCopy..<combined.instances.count))
        for (copy, port) in copyPorts.enumerated() {
            let instance = pool.instances[firstCopy + copy]
            if let path = run.healthPath { pool.setProbePath(path, for: instance) }
            copies.append(ManagedCopy(pool: pool, instance: instance, run: run, copy: copy, port: port))
        }
        return pool
    }
}
