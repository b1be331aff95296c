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
        // Native strings are contiguous UTF-8; scanning their bytes directly is several times
        // cheaper than walking String indices (this runs for every request).
        var contiguous = target
        return contiguous.withUTF8 { bytes in parse(target, bytes: bytes) }
    }

    /// Segments are found as byte offsets in `bytes` (the UTF-8 of `target`) and cut from
    /// `target` at the same offsets: `/` and `?` are ASCII, so every cut is a character boundary.
    private static func parse(_ target: String, bytes: UnsafeBufferPointer<UInt8>) -> OpenAIPath? {
        let slash = UInt8(ascii: "/")
        let pathEnd = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.count
        var cursor = 0
        func nextSegment() -> Range<Int>? {
            while cursor < pathEnd, bytes[cursor] == slash { cursor += 1 }
            guard cursor < pathEnd else { return nil }
            let start = cursor
            while cursor < pathEnd, bytes[cursor] != slash { cursor += 1 }
            return start..<cursor
        }
        func equals(_ segment: Range<Int>, _ expected: StaticString) -> Bool {
            expected.withUTF8Buffer { UnsafeBufferPointer(rebasing: bytes[segment]).elementsEqual($0) }
        }
        func substring(_ range: Range<Int>) -> Substring {
            let utf8 = target.utf8
            let lower = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
            let upper = utf8.index(lower, offsetBy: range.count)
            return target[lower..<upper]
        }
        guard let first = nextSegment(), equals(first, "endpoints"), let endpoint = nextSegment(),
            let third = nextSegment()
        else { return nil }
        var component: Range<Int>?
        if equals(third, "inference-components") {
            guard let name = nextSegment(), let openAI = nextSegment(), equals(openAI, "openai") else { return nil }
            component = name
        } else if !equals(third, "openai") {
            return nil
        }
        guard let version = nextSegment(), equals(version, "v1") else { return nil }
        var subpath: [Substring] = []
        subpath.reserveCapacity(4)  // one allocation for the usual `chat/completions`
        while let segment = nextSegment() { subpath.append(substring(segment)) }
        let query = pathEnd < bytes.count ? substring(pathEnd + 1..<bytes.count) : nil
        return OpenAIPath(
            endpoint: substring(endpoint), component: component.map(substring), subpath: subpath, query: query)
    }

    /// The path to ask of the instance, relative to its base URL (`/v1/{subpath}[?query]`), in
    /// pieces, for a caller that writes them out without joining them first.
    public func writeInstancePath(_ write: (Substring) -> Void) {
        write("/v1/")
        for (position, segment) in subpath.enumerated() {
            if position > 0 { write("/") }
            write(segment)
        }
        if let query, !query.isEmpty {
            write("?")
            write(query)
        }
    }
}
