/// A parsed configuration document, independent of its file format.
///
/// The server reads YAML (or JSON) at the edge and hands Core this tree, so validation stays
/// pure and every error can name the exact key path.
public indirect enum ConfigNode: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([ConfigNode])
    case map([String: ConfigNode])

    /// What a user would call this kind of value in an error message.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int: "an integer"
        case .double: "a number"
        case .string: "a string"
        case .list: "a list"
        case .map: "a mapping"
        }
    }
}
