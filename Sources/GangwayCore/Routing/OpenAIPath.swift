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
        // Scanned as bytes, one segment at a time: `/` and `?` are ASCII, and splitting the
        // whole path into Characters first costs a microsecond per request.
        let utf8 = target.utf8
        let pathEnd = utf8.firstIndex(of: UInt8(ascii: "?")) ?? utf8.endIndex
        var cursor = utf8.startIndex
        func nextSegment() -> Substring? {
            while cursor < pathEnd, utf8[cursor] == UInt8(ascii: "/") { cursor = utf8.index(after: cursor) }
            guard cursor < pathEnd else { return nil }
            let start = cursor
            while cursor < pathEnd, utf8[cursor] != UInt8(ascii: "/") { cursor = utf8.index(after: cursor) }
            return target[start..<cursor]
        }
        func next(is expected: StaticString) -> Bool {
            guard let segment = nextSegment() else { return false }
            return expected.withUTF8Buffer { segment.utf8.elementsEqual($0) }
        }
        guard next(is: "endpoints"), let endpoint = nextSegment(), let third = nextSegment() else { return nil }
        var component: Substring?
        if third.utf8.elementsEqual("inference-components".utf8) {
            guard let name = nextSegment(), next(is: "openai") else { return nil }
            component = name
        } else if !third.utf8.elementsEqual("openai".utf8) {
            return nil
        }
        guard next(is: "v1") else { return nil }
        var subpath: [Substring] = []
        while let segment = nextSegment() { subpath.append(segment) }
        let query = pathEnd < utf8.endIndex ? target[utf8.index(after: pathEnd)...] : nil
        return OpenAIPath(endpoint: endpoint, component: component, subpath: subpath, query: query)
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
