/// One request to authorize: an action on a resource, with its condition keys.
public struct AuthorizationRequest: Sendable, Equatable {
    /// `service:Action`, e.g. `sagemaker:InvokeEndpoint`.
    public var action: String
    /// The resource ARN as a string.
    public var resource: String
    public var context: ConditionContext

    public init(action: String, resource: String, context: ConditionContext = ConditionContext()) {
        self.action = action
        self.resource = resource
        self.context = context
    }
}

/// IAM's evaluation logic for identity-based policies: an explicit Deny wins, then any Allow,
/// else the request is implicitly denied.
public enum PolicyEvaluator {
    public static func evaluate(_ request: AuthorizationRequest, policies: [PolicyDocument]) -> AuthorizationDecision {
        var allow: StatementReference?
        for (policyIndex, policy) in policies.enumerated() {
            for (statementIndex, statement) in policy.statements.enumerated()
            where statement.applies(to: request, version: policy.version) {
                let reference = StatementReference(policyIndex: policyIndex, statementIndex: statementIndex, sid: statement.sid)
                switch statement.effect {
                case .deny: return AuthorizationDecision(.explicitDeny, statement: reference)
                case .allow: allow = allow ?? reference
                }
            }
        }
        return allow.map { AuthorizationDecision(.allow, statement: $0) } ?? AuthorizationDecision(.implicitDeny)
    }
}

extension PolicyStatement {
    /// Whether action, resource and every condition match the request.
    func applies(to request: AuthorizationRequest, version: PolicyDocument.Version) -> Bool {
        let variables = version == .v2012_10_17 ? request.context : nil
        // Action names are case-insensitive in IAM; variables are not expanded in actions.
        let actionMatches = actions.patterns.contains { WildcardPattern($0).matches(request.action, foldCase: true) }
        guard actionMatches == (actions.isMatching) else { return false }
        var resourceMatches = false
        for pattern in resources.patterns {
            guard let compiled = PolicyVariables.compile(pattern, context: variables, wildcards: true) else {
                // An unexpandable variable matches nothing; under NotResource that would widen the
                // statement to everything, so the statement is dropped instead.
                if resources.isMatching { continue } else { return false }
            }
            if compiled.matches(request.resource) {
                resourceMatches = true
                break
            }
        }
        guard resourceMatches == resources.isMatching else { return false }
        return conditions.allSatisfy { $0.holds(in: request.context, variables: variables) }
    }
}

extension PatternList {
    var isMatching: Bool {
        if case .matching = self { return true }
        return false
    }
}
