/// A function tool offered by a chat request, reduced to what the mock needs to call it.
struct ToolDeclaration: Equatable, Sendable {
    var name: String
    /// The invented arguments: one member per declared property, in declaration order, with a
    /// sample value for its type (string "sample", number/integer 42, boolean true, else null).
    var arguments: String

    /// Reads `{"type":"function","function":{"name":..,"parameters":{...}}}`, or the flat shape
    /// of the Responses API (`name` and `parameters` at the top).
    init(json: JSONValue, index: Int) throws(OpenAIError) {
        let function = json["function"] ?? json
        guard let name = function["name"]?.stringValue, !name.isEmpty else {
            throw OpenAIError.invalidRequest("tools[\(index)] has no function name", param: "tools")
        }
        self.name = name
        self.arguments = Self.sampleArguments(for: function["parameters"]?["properties"])
    }

    init(name: String, arguments: String) {
        self.name = name
        self.arguments = arguments
    }

    static func sampleArguments(for properties: JSONValue?) -> String {
        let members = properties?.objectValue ?? []
        var text = "{"
        for (offset, member) in members.enumerated() {
            if offset > 0 { text += "," }
            text += JSONText.quoted(member.key)
            text += ":"
            text += Self.sampleValue(forType: Self.primaryType(of: member.value))
        }
        return text + "}"
    }

    /// The schema's `type`, or the first non-null entry when it is a list like `["string","null"]`.
    private static func primaryType(of schema: JSONValue) -> String? {
        switch schema["type"] {
        case .string(let type): type
        case .array(let types): types.lazy.compactMap(\.stringValue).first(where: { $0 != "null" })
        default: nil
        }
    }

    private static func sampleValue(forType type: String?) -> String {
        switch type {
        case "string": "\"\(MockVocabulary.sampleString)\""
        case "number", "integer": "42"
        case "boolean": "true"
        default: "null"
        }
    }
}

/// The request's `tool_choice`.
enum ToolChoice: Equatable, Sendable {
    case auto
    case none
    case required
    case function(String)

    init(json: JSONValue?) throws(OpenAIError) {
        switch json {
        case nil, .null, .string("auto"): self = .auto
        case .string("none"): self = .none
        case .string("required"): self = .required
        case .some(let value):
            guard let name = (value["function"] ?? value)["name"]?.stringValue else {
                throw OpenAIError.invalidRequest("Invalid 'tool_choice'", param: "tool_choice")
            }
            self = .function(name)
        }
    }
}
