/// Reads an action's parameters from the decoded form, collecting every broken constraint so
/// that one `ValidationError` names them all, as AWS's does.
///
/// Read every parameter first, then call ``check()``: it throws if anything was missing or
/// invalid, and only then are the values read meaningful.
struct QueryParameters: Sendable {
    private let form: [String: String]
    private(set) var violations: [ParameterViolation] = []

    init(_ form: [String: String]) {
        self.form = form
    }

    /// A required string. Returns `""` when it is missing; the violation is recorded.
    mutating func required(_ name: String, _ constraint: StringConstraint) -> String {
        guard let value = form[name] else {
            violations.append(
                ParameterViolation(member: Self.member(name), value: nil, constraint: "Member must not be null"))
            return ""
        }
        validate(name, value, constraint)
        return value
    }

    /// An optional string: `nil` when it was not sent.
    mutating func optional(_ name: String, _ constraint: StringConstraint) -> String? {
        guard let value = form[name] else { return nil }
        validate(name, value, constraint)
        return value
    }

    /// An optional integer within `range`.
    mutating func optionalInteger(_ name: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = form[name] else { return nil }
        let member = Self.member(name)
        guard let value = Int(text) else {
            violations.append(ParameterViolation(member: member, value: text, constraint: "Member must be a number"))
            return nil
        }
        if value < range.lowerBound {
            let constraint = "Member must have value greater than or equal to \(range.lowerBound)"
            violations.append(ParameterViolation(member: member, value: text, constraint: constraint))
        }
        if value > range.upperBound {
            let constraint = "Member must have value less than or equal to \(range.upperBound)"
            violations.append(ParameterViolation(member: member, value: text, constraint: constraint))
        }
        return value
    }

    /// Throws the collected violations, if any.
    func check() throws(QueryError) {
        guard violations.isEmpty else { throw .validation(violations) }
    }

    /// Refuses parameters Gangway does not implement rather than dropping them silently: a
    /// permissions boundary that was ignored would grant more than its author meant.
    /// A name ending in `.` matches every parameter under it (`Tags.` for `Tags.member.1.Key`).
    func refuseUnsupported(_ names: [String]) throws(QueryError) {
        for name in names {
            let sent = name.hasSuffix(".") ? form.keys.contains(where: { $0.hasPrefix(name) }) : form[name] != nil
            if sent {
                let parameter = name.hasSuffix(".") ? String(name.dropLast()) : name
                throw .invalidInput("The parameter \(parameter) is not supported by Gangway.")
            }
        }
    }

    private mutating func validate(_ name: String, _ value: String, _ constraint: StringConstraint) {
        for broken in constraint.violations(of: value) {
            violations.append(ParameterViolation(member: Self.member(name), value: value, constraint: broken))
        }
    }

    /// `UserName` → `userName`, the spelling of AWS's validation messages.
    static func member(_ name: String) -> String {
        guard let first = name.first else { return name }
        return first.lowercased() + name.dropFirst()
    }
}
