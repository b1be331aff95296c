/// Expands policy variables (`${aws:username}`) while compiling a pattern.
///
/// Only documents of version 2012-10-17 have variables; in older ones `${...}` is text.
/// `${*}`, `${?}` and `${$}` stand for those characters taken literally. A variable whose key is
/// absent or has several values cannot be expanded, and then the pattern matches nothing: the
/// statement does not apply, rather than applying with a guessed value.
enum PolicyVariables {
    static func compile(_ text: String, context: ConditionContext?, wildcards: Bool) -> WildcardPattern? {
        guard let context, mayHoldVariable(text) else { return WildcardPattern(text, wildcards: wildcards) }
        var elements: [WildcardPattern.Element] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if scalars[index] == "$", index + 1 < scalars.count, scalars[index + 1] == "{",
                let close = scalars[(index + 2)...].firstIndex(of: "}")
            {
                let name = String(String.UnicodeScalarView(scalars[(index + 2)..<close]))
                switch name {
                case "*", "?", "$":
                    elements.append(.literal(name.unicodeScalars.first!))
                default:
                    guard let values = context[name.trimmingSpaces], values.count == 1 else { return nil }
                    elements += values[0].unicodeScalars.map { .literal($0) }
                }
                index = close + 1
                continue
            }
            elements += WildcardPattern(String(scalars[index]), wildcards: wildcards).elements
            index += 1
        }
        return WildcardPattern(elements: elements)
    }

    /// Whether `${` occurs: a byte scan, since this runs for every statement of every request.
    static func mayHoldVariable(_ text: String) -> Bool {
        var previousWasDollar = false
        for byte in text.utf8 {
            if previousWasDollar, byte == UInt8(ascii: "{") { return true }
            previousWasDollar = byte == UInt8(ascii: "$")
        }
        return false
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
