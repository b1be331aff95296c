extension PolicyCondition {
    /// IAM's rules for one key under one operator:
    /// - the request's values are compared with the policy's values, any of which may match (OR);
    /// - a negated operator (`StringNotEquals`, ...) holds when no policy value matches;
    /// - an absent key: `...IfExists` holds, `ForAllValues:` holds, `ForAnyValue:` fails,
    ///   a negated operator holds, any other operator fails;
    /// - `Null` tests only presence: `true` means the key must be absent.
    func holds(in context: ConditionContext, variables: ConditionContext?) -> Bool {
        let base = conditionOperator.base
        let requestValues = context[key] ?? []
        if base == .null {
            let absent = requestValues.isEmpty
            return values.contains { ConditionValue.bool($0) == absent }
        }
        if requestValues.isEmpty {
            if conditionOperator.ifExists { return true }
            switch conditionOperator.qualifier {
            case .forAllValues: return true
            case .forAnyValue: return false
            case nil: return base.isNegated
            }
        }
        let holdsFor: (String) -> Bool = { value in
            guard let matched = positiveMatch(value, variables: variables) else { return false }
            return base.isNegated ? !matched : matched
        }
        switch conditionOperator.qualifier {
        case .forAllValues: return requestValues.allSatisfy(holdsFor)
        case .forAnyValue: return requestValues.contains(where: holdsFor)
        // Several values without a qualifier: a positive operator needs one to match, a negated
        // one needs none to match, which keeps "Not" the exact complement of its operator.
        case nil: return base.isNegated ? requestValues.allSatisfy(holdsFor) : requestValues.contains(where: holdsFor)
        }
    }

    /// Whether the request value matches any policy value under the operator's positive form;
    /// `nil` when the request value cannot be read as the operator's type.
    private func positiveMatch(_ value: String, variables: ConditionContext?) -> Bool? {
        switch conditionOperator.base {
        case .stringEquals, .stringNotEquals:
            return values.contains { pattern(for: $0, variables: variables, wildcards: false)?.matches(value) ?? false }
        case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase:
            return values.contains {
                pattern(for: $0, variables: variables, wildcards: false)?.matches(value, foldCase: true) ?? false
            }
        case .stringLike, .stringNotLike:
            return values.contains { pattern(for: $0, variables: variables, wildcards: true)?.matches(value) ?? false }
        case .arnEquals, .arnLike, .arnNotEquals, .arnNotLike:
            guard let arn = ARN(value) else { return false }
            return values.contains { arnMatches(arn, $0, variables: variables) }
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan,
            .numericGreaterThanEquals:
            guard let number = ConditionValue.number(value) else { return nil }
            return values.contains { ConditionValue.number($0).map { compare(number, $0) } ?? false }
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            guard let date = ConditionValue.date(value) else { return nil }
            return values.contains { ConditionValue.date($0).map { compare(date, $0) } ?? false }
        case .bool:
            guard let flag = ConditionValue.bool(value) else { return nil }
            return values.contains { ConditionValue.bool($0) == flag }
        case .ipAddress, .notIpAddress:
            guard IPAddressRange.address(value) != nil else { return nil }
            return values.contains { IPAddressRange($0)?.contains(value) ?? false }
        case .null:
            return nil
        }
    }

    private func pattern(for text: String, variables: ConditionContext?, wildcards: Bool) -> WildcardPattern? {
        PolicyVariables.compile(text, context: variables, wildcards: wildcards)
    }

    /// ArnEquals and ArnLike both compare the six fields one by one, each with wildcards.
    private func arnMatches(_ arn: ARN, _ patternText: String, variables: ConditionContext?) -> Bool {
        let patternFields = patternText.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard patternFields.count == 6 else { return false }
        for (field, patternField) in zip(arn.components, patternFields) {
            guard let compiled = pattern(for: String(patternField), variables: variables, wildcards: true),
                compiled.matches(field)
            else { return false }
        }
        return true
    }

    private func compare(_ lhs: Double, _ rhs: Double) -> Bool {
        switch conditionOperator.base {
        case .numericEquals, .numericNotEquals, .dateEquals, .dateNotEquals: lhs == rhs
        case .numericLessThan, .dateLessThan: lhs < rhs
        case .numericLessThanEquals, .dateLessThanEquals: lhs <= rhs
        case .numericGreaterThan, .dateGreaterThan: lhs > rhs
        case .numericGreaterThanEquals, .dateGreaterThanEquals: lhs >= rhs
        default: false
        }
    }
}
