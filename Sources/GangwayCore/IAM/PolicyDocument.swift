/// An identity-based IAM policy: a version and a list of statements.
public struct PolicyDocument: Sendable, Equatable {
    public enum Version: String, Sendable, Equatable {
        /// The current language: policy variables such as `${aws:username}` are expanded.
        case v2012_10_17 = "2012-10-17"
        /// The original language, also what a document without `Version` is: `${...}` is literal text.
        case v2008_10_17 = "2008-10-17"
    }

    public var version: Version
    public var id: String?
    public var statements: [PolicyStatement]

    public init(version: Version = .v2012_10_17, id: String? = nil, statements: [PolicyStatement]) {
        self.version = version
        self.id = id
        self.statements = statements
    }

    /// Whether a decision under this document can depend on the request's condition keys: it
    /// has a `Condition` block, or (in 2012-10-17) a policy variable in an action or resource.
    /// Without either, the action and resource alone decide, and no context need be built.
    public var readsRequestContext: Bool {
        statements.contains { statement in
            guard statement.conditions.isEmpty else { return true }
            guard version == .v2012_10_17 else { return false }
            return statement.actions.patterns.contains(where: PolicyVariables.mayHoldVariable)
                || statement.resources.patterns.contains(where: PolicyVariables.mayHoldVariable)
        }
    }
}

/// One `Statement` entry.
public struct PolicyStatement: Sendable, Equatable {
    public enum Effect: String, Sendable, Equatable {
        case allow = "Allow"
        case deny = "Deny"
    }

    public var sid: String?
    public var effect: Effect
    /// `Action` (``PatternList/matching(_:)``) or `NotAction` (``PatternList/notMatching(_:)``).
    public var actions: PatternList
    /// `Resource` or `NotResource`.
    public var resources: PatternList
    /// Every entry must hold (AND); an empty list always holds.
    public var conditions: [PolicyCondition]

    public init(
        sid: String? = nil, effect: Effect, actions: PatternList, resources: PatternList, conditions: [PolicyCondition] = []
    ) {
        self.sid = sid
        self.effect = effect
        self.actions = actions
        self.resources = resources
        self.conditions = conditions
    }
}

/// Wildcard patterns an action or resource must match (`Action`, `Resource`) or must not match
/// (`NotAction`, `NotResource`).
public enum PatternList: Sendable, Equatable {
    case matching([String])
    case notMatching([String])

    public var patterns: [String] {
        switch self {
        case .matching(let patterns), .notMatching(let patterns): patterns
        }
    }
}

/// One key under one operator of a `Condition` block: `"StringEquals": {"aws:username": ["a", "b"]}`.
public struct PolicyCondition: Sendable, Equatable {
    public var conditionOperator: ConditionOperator
    /// The key as written; looked up case-insensitively.
    public var key: String
    /// Alternatives (OR); numbers and booleans in the JSON are kept as their text.
    public var values: [String]

    public init(_ conditionOperator: ConditionOperator, key: String, values: [String]) {
        self.conditionOperator = conditionOperator
        self.key = key
        self.values = values
    }
}
