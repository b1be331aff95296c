public import GangwayCore
import Foundation
import Yams

/// Reads the configuration file (YAML, or JSON, which YAML includes) into Core's config model.
public enum ConfigLoader {
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func load(path: String) throws -> GangwayConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LoadError(description: "cannot read config file \(path): \(error.localizedDescription)")
        }
        return try parse(text, source: path)
    }

    public static func parse(_ text: String, source: String = "config") throws -> GangwayConfig {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw LoadError(description: "\(source): not valid YAML: \(error)")
        }
        do {
            return try GangwayConfig(node: node.map(configNode) ?? .null)
        } catch {
            throw LoadError(description: "\(source): \(error)")
        }
    }

    static func configNode(_ node: Node) -> ConfigNode {
        switch node {
        case .scalar(let scalar):
            return scalarNode(scalar)
        case .sequence(let sequence):
            return .list(sequence.map(configNode))
        case .mapping(let mapping):
            var entries: [String: ConfigNode] = [:]
            for (key, value) in mapping {
                entries[key.string ?? String(describing: key)] = configNode(value)
            }
            return .map(entries)
        case .alias:
            return .null
        }
    }

    /// Quoted scalars stay strings (`account: "123456789012"`); plain ones are typed by YAML 1.2 core rules.
    static func scalarNode(_ scalar: Node.Scalar) -> ConfigNode {
        if scalar.style != .plain { return .string(scalar.string) }
        let text = scalar.string
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let integer = Int(text) { return .int(integer) }
        if let number = Double(text), text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
            return .double(number)
        }
        return .string(text)
    }
}
