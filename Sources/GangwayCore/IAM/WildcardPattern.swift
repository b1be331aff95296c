/// A glob over Unicode scalars: `*` matches any run (including `:` and `/`), `?` exactly one scalar.
///
/// Patterns are compiled to elements so that characters which came from a policy variable
/// (`${aws:username}`) or an escape (`${*}`) stay literal even if they look like wildcards.
struct WildcardPattern: Sendable, Equatable {
    enum Element: Sendable, Equatable {
        case literal(Unicode.Scalar)
        case anyRun
        case anyOne
    }

    var elements: [Element]

    /// A pattern in which `*` and `?` are wildcards (when `wildcards` is true) and every other
    /// character is itself.
    init(_ text: String, wildcards: Bool = true) {
        elements = text.unicodeScalars.map { scalar in
            guard wildcards else { return .literal(scalar) }
            switch scalar {
            case "*": return .anyRun
            case "?": return .anyOne
            default: return .literal(scalar)
            }
        }
    }

    init(elements: [Element]) {
        self.elements = elements
    }

    /// Whether `text` matches. `foldCase` compares lower-cased scalars (for action names and
    /// the IgnoreCase operators). Linear-time two-pointer matching with one backtrack point,
    /// so a hostile pattern like `*a*a*a*b` cannot blow up.
    func matches(_ text: String, foldCase: Bool = false) -> Bool {
        let pattern = foldCase ? elements.map(Self.folded) : elements
        let input = Array((foldCase ? text.lowercased() : text).unicodeScalars)
        var p = 0
        var t = 0
        var starP = -1
        var starT = 0
        while t < input.count {
            if p < pattern.count {
                switch pattern[p] {
                case .anyRun:
                    starP = p
                    starT = t
                    p += 1
                    continue
                case .anyOne:
                    p += 1
                    t += 1
                    continue
                case .literal(let scalar) where scalar == input[t]:
                    p += 1
                    t += 1
                    continue
                case .literal:
                    break
                }
            }
            guard starP >= 0 else { return false }
            p = starP + 1
            starT += 1
            t = starT
        }
        while p < pattern.count, pattern[p] == .anyRun { p += 1 }
        return p == pattern.count
    }

    private static func folded(_ element: Element) -> Element {
        guard case .literal(let scalar) = element else { return element }
        let lower = String(scalar).lowercased().unicodeScalars
        return lower.count == 1 ? .literal(lower.first!) : element
    }
}
