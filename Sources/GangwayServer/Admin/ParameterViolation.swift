/// One request parameter that breaks one constraint, worded as AWS's `ValidationError`
/// messages are: `Value 'x y' at 'userName' failed to satisfy constraint: Member must ...`.
struct ParameterViolation: Sendable, Hashable, CustomStringConvertible {
    /// The member as AWS names it in these messages: lower camel case (`userName`).
    let member: String
    /// What was sent; `nil` when the parameter was missing.
    let value: String?
    /// `Member must not be null`, `Member must have length less than or equal to 64`, ...
    let constraint: String

    /// Values are quoted back to the caller, but a huge one (a policy document) only in part.
    static let quotedValueLimit = 256

    var description: String {
        let quoted = value.map { value in
            value.count > Self.quotedValueLimit ? "'\(value.prefix(Self.quotedValueLimit))...'" : "'\(value)'"
        }
        return "Value \(quoted ?? "null") at '\(member)' failed to satisfy constraint: \(constraint)"
    }
}
