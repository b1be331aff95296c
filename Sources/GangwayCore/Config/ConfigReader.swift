/// Walks one mapping of the configuration tree, remembering its key path and which keys were
/// read, so typos (`instanse:`) are reported instead of silently ignored.
struct ConfigReader {
    let path: String
    private let entries: [String: ConfigNode]
    private var consumed: Set<String> = []

    init(_ node: ConfigNode, path: String) throws(ConfigError) {
        guard case .map(let entries) = node else {
            throw ConfigError(path: path, message: "expected a mapping, found \(node.kindName)")
        }
        self.path = path
        self.entries = entries
    }

    func childPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    mutating func node(_ key: String) -> ConfigNode? {
        consumed.insert(key)
        guard let value = entries[key], value != .null else { return nil }
        return value
    }

    mutating func string(_ key: String) throws(ConfigError) -> String? {
        guard let value = node(key) else { return nil }
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return String(flag)
        default: throw ConfigError(path: childPath(key), message: "expected a string, found \(value.kindName)")
        }
    }

    mutating func int(_ key: String, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let value = node(key) else { return nil }
        let number: Int
        switch value {
        case .int(let parsed): number = parsed
        case .string(let text):
            guard let parsed = Int(text.trimmingWhitespace()) else {
                throw ConfigError(path: childPath(key), message: "expected an integer, found \"\(text)\"")
            }
            number = parsed
        default: throw ConfigError(path: childPath(key), message: "expected an integer, found \(value.kindName)")
        }
        guard range.contains(number) else {
            throw ConfigError(
                path: childPath(key), message: "must be between \(range.lowerBound) and \(range.upperBound), found \(number)")
        }
        return number
    }

    mutating func duration(_ key: String, atLeast minimum: Duration = .milliseconds(1)) throws(ConfigError) -> Duration? {
        guard let value = node(key) else { return nil }
        guard let duration = ConfigDuration.parse(value) else {
            throw ConfigError(path: childPath(key), message: "not a duration (examples: 500ms, 30s, 5m, 1h)")
        }
        guard duration >= minimum else {
            throw ConfigError(path: childPath(key), message: "must be at least \(minimum)")
        }
        return duration
    }

    mutating func list(_ key: String) throws(ConfigError) -> [ConfigNode]? {
        guard let value = node(key) else { return nil }
        guard case .list(let items) = value else {
            throw ConfigError(path: childPath(key), message: "expected a list, found \(value.kindName)")
        }
        return items
    }

    /// Call last: any key present but never read is a mistake worth stopping for.
    func rejectUnknownKeys() throws(ConfigError) {
        if let unknown = entries.keys.filter({ !consumed.contains($0) }).sorted().first {
            throw ConfigError(path: childPath(unknown), message: "unknown key")
        }
    }
}
