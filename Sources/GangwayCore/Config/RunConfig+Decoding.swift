extension RunConfig {
    /// Reads a `run:` mapping; errors name the key path (`endpoints[0].run.copies`).
    init(node: ConfigNode, path: String) throws(ConfigError) {
        var reader = try ConfigReader(node, path: path)
        guard let commandNode = reader.node("command") else {
            throw ConfigError(path: "\(path).command", message: "required")
        }
        self.init(command: try Self.command(commandNode, path: "\(path).command"))
        if let copies = try reader.int("copies", range: 1...256) { self.copies = copies }
        if let node = reader.node("env") {
            environment = try Self.environment(node, path: "\(path).env")
        }
        if let directory = try reader.string("working_directory") {
            guard !directory.isEmpty else {
                throw ConfigError(path: "\(path).working_directory", message: "must not be empty")
            }
            workingDirectory = directory
        }
        if let value = try reader.duration("startup_timeout", atLeast: .seconds(1)) { startupTimeout = value }
        if let value = try reader.duration("grace_period", atLeast: .zero) { gracePeriod = value }
        if let healthPath = try reader.string("health_path") {
            guard healthPath.hasPrefix("/"), !healthPath.contains(where: \.isWhitespace) else {
                throw ConfigError(path: "\(path).health_path", message: "must be a path starting with / (example: /v1/models)")
            }
            self.healthPath = healthPath
        }
        try reader.rejectUnknownKeys()
        // Without {port} every copy would try the same port, and Gangway would probe the wrong one.
        let mentionsPort = (command + environment.values).contains { $0.contains(Self.portPlaceholder) }
        guard mentionsPort else {
            throw ConfigError(
                path: "\(path).command",
                message: "must contain {port} (in an argument or an env value): each copy listens on the port Gangway gives it")
        }
    }

    private static func command(_ node: ConfigNode, path: String) throws(ConfigError) -> [String] {
        guard case .list(let items) = node else {
            throw ConfigError(
                path: path, message: "expected a list of arguments (example: [python3, -m, llama_cpp.server, --port, \"{port}\"])")
        }
        guard !items.isEmpty else { throw ConfigError(path: path, message: "must not be empty") }
        var arguments: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = scalarText(item) else {
                throw ConfigError(path: "\(path)[\(index)]", message: "expected a string, found \(item.kindName)")
            }
            guard !text.contains("\0") else {
                throw ConfigError(path: "\(path)[\(index)]", message: "must not contain a NUL character")
            }
            arguments.append(text)
        }
        guard !arguments[0].isEmpty else { throw ConfigError(path: "\(path)[0]", message: "must name a program") }
        return arguments
    }

    private static func environment(_ node: ConfigNode, path: String) throws(ConfigError) -> [String: String] {
        guard case .map(let entries) = node else {
            throw ConfigError(path: path, message: "expected a mapping, found \(node.kindName)")
        }
        var environment: [String: String] = [:]
        for (name, value) in entries {
            guard !name.isEmpty, !name.contains("="), !name.contains("\0") else {
                throw ConfigError(path: "\(path).\(name)", message: "not a valid environment variable name")
            }
            // `KEY: ~` or an empty value sets an empty string, as a shell would.
            guard let text = value == .null ? "" : scalarText(value) else {
                throw ConfigError(path: "\(path).\(name)", message: "expected a string, found \(value.kindName)")
            }
            guard !text.contains("\0") else {
                throw ConfigError(path: "\(path).\(name)", message: "must not contain a NUL character")
            }
            environment[name] = text
        }
        return environment
    }

    /// YAML types `--n_ctx 512` as an integer; arguments are strings either way.
    private static func scalarText(_ node: ConfigNode) -> String? {
        switch node {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): String(flag)
        default: nil
        }
    }
}
