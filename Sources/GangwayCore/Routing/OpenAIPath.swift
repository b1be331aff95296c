/// A request target on one of the OpenAI-compatible paths:
/// `/endpoints/{endpoint}/openai/v1/{subpath}` or
/// `/endpoints/{endpoint}/inference-components/{component}/openai/v1/{subpath}`.
public struct OpenAIPath: Sendable, Equatable {
    public var endpoint: Substring
    public var component: Substring?
    /// The segments after `/openai/v1/`, as ``OpenAIRoute`` classifies them.
    public var subpath: [Substring]
    /// The query string without its `?`, if the target has one.
    public var query: Substring?

    public init(endpoint: Substring, component: Substring?, subpath: [Substring], query: Substring?) {
        self.endpoint = endpoint
        self.component = component
        self.subpath = subpath
        self.query = query
    }

    /// Nil for any other target. Empty segments (`//`) are skipped, as the router does.
    public static func parse(_ target: String) -> OpenAIPath? {
        let questionMark = target.firstIndex(of: "?")
        let path = target[..<(questionMark ?? target.endIndex)]
        // Split on bytes: `/` is ASCII, and Character-wise splitting costs a microsecond here.
        let segments = path.utf8.split(separator: UInt8(ascii: "/")).map { Substring($0) }
        guard segments.count >= 4, segments[0] == "endpoints" else { return nil }
        let query = questionMark.map { target[target.index(after: $0)...] }
        if segments[2] == "openai", segments[3] == "v1" {
            return OpenAIPath(endpoint: segments[1], component: nil, subpath: Array(segments[4...]), query: query)
        }
        if segments.count >= 6, segments[2] == "inference-components", segments[4] == "openai", segments[5] == "v1" {
            return OpenAIPath(
                endpoint: segments[1], component: segments[3], subpath: Array(segments[6...]), query: query)
        }
        return nil
    }

    /// The path to ask of the instance, relative to its base URL: `/v1/{subpath}[?query]`.
    public var instancePath: String {
        var path = "/v1/" + subpath.joined(separator: "/")
        if let query, !query.isEmpty {
            path += "?"
            path += query
        }
        return path
    }
}
