extension GangwayConfig {
    /// Builds and validates a configuration; the first problem found is thrown with its key path.
    public init(node: ConfigNode) throws(ConfigError) {
        self.init()
        if node == .null { return }
        var reader = try ConfigReader(node, path: "")
        if let account = try reader.string("account") {
            guard account.count == 12, account.allSatisfy(\.isASCIIDigit) else {
                throw ConfigError(path: "account", message: "must be a 12-digit account id, found \"\(account)\"")
            }
            self.account = account
        }
        if let region = try reader.string("region") {
            guard Self.isValidRegion(region) else {
                throw ConfigError(path: "region", message: "not a region name (example: us-east-1)")
            }
            self.region = region
        }
        if let listen = try reader.string("listen") {
            guard let address = ListenAddress.parse(listen) else {
                throw ConfigError(path: "listen", message: "expected host:port (example: 127.0.0.1:8080)")
            }
            self.listen = address
        }
        if let data = try reader.string("data") {
            guard !data.isEmpty else { throw ConfigError(path: "data", message: "must not be empty") }
            self.dataDirectory = data
        }
        if let accessLog = try reader.string("access_log") {
            guard !accessLog.isEmpty else { throw ConfigError(path: "access_log", message: "must be stdout, stderr, off or a file path") }
            self.accessLog = accessLog
        }
        if let drain = try reader.duration("drain_timeout") {
            self.drainTimeout = drain
        }
        if let backlog = try reader.int("listen_backlog", range: 1...65535) {
            self.listenBacklog = backlog
        }
        endpointDefaults = try EndpointSettings.read(from: &reader, inheriting: EndpointSettings())
        if let items = try reader.list("endpoints") {
            var seen: [String: Int] = [:]
            for (index, item) in items.enumerated() {
                let path = "endpoints[\(index)]"
                let endpoint = try EndpointConfig(node: item, path: path, defaults: endpointDefaults)
                if let first = seen[endpoint.name.lowercased()] {
                    throw ConfigError(
                        path: "\(path).name", message: "duplicate endpoint name (also endpoints[\(first)].name)")
                }
                seen[endpoint.name.lowercased()] = index
                endpoints.append(endpoint)
            }
        }
        try reader.rejectUnknownKeys()
    }

    static func isValidRegion(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 32
            && text.allSatisfy { $0.isASCIILowercaseLetter || $0.isASCIIDigit || $0 == "-" }
    }
}

extension EndpointSettings {
    /// Reads the overridable keys from a mapping (top level or one endpoint).
    static func read(from reader: inout ConfigReader, inheriting base: EndpointSettings) throws(ConfigError) -> Self {
        var settings = base
        if let routing = try reader.string("routing") {
            guard let policy = RoutingPolicy(rawValue: routing) else {
                let known = RoutingPolicy.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigError(path: reader.childPath("routing"), message: "unknown routing \"\(routing)\" (known: \(known))")
            }
            settings.routing = policy
        }
        if let bytes = try reader.int("max_body_bytes", range: 1...(1 << 32)) {
            settings.maxBodyBytes = bytes
        }
        if let value = try reader.duration("invocation_timeout") {
            settings.invocationTimeout = value
        }
        if let node = reader.node("timeouts") {
            var timeouts = try ConfigReader(node, path: reader.childPath("timeouts"))
            if let value = try timeouts.duration("connect") { settings.timeouts.connect = value }
            if let value = try timeouts.duration("first_byte") { settings.timeouts.firstByte = value }
            if let value = try timeouts.duration("idle") { settings.timeouts.idle = value }
            if let value = try timeouts.duration("total") { settings.timeouts.total = value }
            try timeouts.rejectUnknownKeys()
        }
        if let node = reader.node("health_check") {
            var health = try ConfigReader(node, path: reader.childPath("health_check"))
            if let value = try health.duration("interval", atLeast: .milliseconds(50)) { settings.healthCheck.interval = value }
            if let value = try health.duration("timeout") { settings.healthCheck.timeout = value }
            if let value = try health.int("unhealthy_threshold", range: 1...100) {
                settings.healthCheck.unhealthyThreshold = value
            }
            if let value = try health.int("healthy_threshold", range: 1...100) { settings.healthCheck.healthyThreshold = value }
            try health.rejectUnknownKeys()
        }
        return settings
    }
}

extension EndpointConfig {
    init(node: ConfigNode, path: String, defaults: EndpointSettings) throws(ConfigError) {
        var reader = try ConfigReader(node, path: path)
        guard let name = try reader.string("name") else {
            throw ConfigError(path: "\(path).name", message: "required")
        }
        try Self.validateName(name, path: "\(path).name")
        let settings = try EndpointSettings.read(from: &reader, inheriting: defaults)
        let instances = try reader.list("instances")
        let components = try reader.list("inference_components")
        let run = reader.node("run")
        switch (instances, components) {
        case (.some, .some):
            throw ConfigError(
                path: path, message: "has both instances and inference_components; an endpoint hosts one model or components")
        case (.none, .some(let items)):
            guard run == nil else {
                throw ConfigError(path: "\(path).run", message: "an endpoint hosting inference_components runs none itself")
            }
            guard !items.isEmpty else {
                throw ConfigError(path: "\(path).inference_components", message: "must list at least one component")
            }
            var parsed: [ComponentConfig] = []
            var seen: [String: Int] = [:]
            for (index, item) in items.enumerated() {
                let itemPath = "\(path).inference_components[\(index)]"
                var componentReader = try ConfigReader(item, path: itemPath)
                guard let componentName = try componentReader.string("name") else {
                    throw ConfigError(path: "\(itemPath).name", message: "required")
                }
                try Self.validateName(componentName, path: "\(itemPath).name")
                if let first = seen[componentName.lowercased()] {
                    throw ConfigError(
                        path: "\(itemPath).name",
                        message: "duplicate component name (also \(path).inference_components[\(first)].name)")
                }
                seen[componentName.lowercased()] = index
                let model = try ModelConfig.read(from: &componentReader, path: itemPath)
                try componentReader.rejectUnknownKeys()
                parsed.append(ComponentConfig(name: componentName, model: model))
            }
            backend = .components(parsed)
        case (_, .none):
            backend = .model(try ModelConfig.read(instances: instances, run: run, path: path))
        }
        try reader.rejectUnknownKeys()
        self.name = name
        self.settings = settings
    }

    /// SageMaker's rule for endpoint and component names.
    static func validateName(_ name: String, path: String) throws(ConfigError) {
        let valid =
            (1...63).contains(name.count)
            && name.first.map { $0.isASCIILetter || $0.isASCIIDigit } == true
            && name.last.map { $0.isASCIILetter || $0.isASCIIDigit } == true
            && name.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "-" }
        guard valid else {
            throw ConfigError(
                path: path,
                message: "\"\(name)\" is not a valid name (1-63 letters, digits and hyphens, starting and ending with a letter or digit)"
            )
        }
    }
}

extension ModelConfig {
    static func read(from reader: inout ConfigReader, path: String) throws(ConfigError) -> ModelConfig {
        try read(instances: try reader.list("instances"), run: reader.node("run"), path: path)
    }

    static func read(instances: [ConfigNode]?, run: ConfigNode?, path: String) throws(ConfigError) -> ModelConfig {
        var runConfig: RunConfig?
        if let run { runConfig = try RunConfig(node: run, path: "\(path).run") }
        // Managed copies are instances too: with `run`, the list may be empty or missing.
        let items = instances ?? []
        guard !items.isEmpty || runConfig != nil else {
            throw ConfigError(path: "\(path).instances", message: "must list at least one instance")
        }
        var parsed: [InstanceConfig] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path).instances[\(index)]"
            let urlText: String
            switch item {
            case .string(let text):
                urlText = text
            default:
                var instanceReader = try ConfigReader(item, path: itemPath)
                guard let text = try instanceReader.string("url") else {
                    throw ConfigError(path: "\(itemPath).url", message: "required")
                }
                try instanceReader.rejectUnknownKeys()
                urlText = text
            }
            guard let url = InstanceURL(urlText) else {
                throw ConfigError(path: "\(itemPath).url", message: "not a URL (expected http://host:port)")
            }
            parsed.append(InstanceConfig(url: url))
        }
        return ModelConfig(instances: parsed, run: runConfig)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
    var isASCIILowercaseLetter: Bool { ("a"..."z").contains(self) }
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
