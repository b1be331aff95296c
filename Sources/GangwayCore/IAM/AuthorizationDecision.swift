/// What the policies say about one request, and which statement said it (for the server log).
public struct AuthorizationDecision: Sendable, Equatable, CustomStringConvertible {
    public enum Outcome: String, Sendable, Equatable {
        case allow
        /// A `Deny` statement matched; nothing can override it.
        case explicitDeny
        /// No statement allowed the request.
        case implicitDeny
    }

    public var outcome: Outcome
    /// The deciding statement; `nil` for an implicit deny.
    public var statement: StatementReference?

    public init(_ outcome: Outcome, statement: StatementReference? = nil) {
        self.outcome = outcome
        self.statement = statement
    }

    public var isAllowed: Bool { outcome == .allow }

    public var description: String {
        statement.map { "\(outcome.rawValue) by \($0)" } ?? outcome.rawValue
    }
}

/// Which statement of which policy (by position in the list given to the evaluator).
public struct StatementReference: Sendable, Equatable, CustomStringConvertible {
    public var policyIndex: Int
    public var statementIndex: Int
    public var sid: String?

    public init(policyIndex: Int, statementIndex: Int, sid: String? = nil) {
        self.policyIndex = policyIndex
        self.statementIndex = statementIndex
        self.sid = sid
    }

    public var description: String {
        "policy[\(policyIndex)].Statement[\(statementIndex)]" + (sid.map { " (Sid \($0))" } ?? "")
    }
}
