extension PolicyDocument {
    /// Parses and validates a policy the way IAM does for identity-based policies.
    ///
    /// Element names are case-sensitive; `Statement` may be one object or a list; `Action`,
    /// `Resource` and their `Not` forms may be a string or a list of strings; unknown elements,
    /// duplicate keys and wrong types are syntax errors.
    public init(json: String) throws(PolicyDocumentError) {
        guard case .object(let members) = try Self.json(json) else { throw .syntax }
        var version = Version.v2008_10_17
        var id: String?
        var statementValue: PolicyJSON?
        for (key, value) in members {
            switch key {
            case "Version":
                guard case .string(let text) = value, let parsed = Version(rawValue: text) else { throw .syntax }
                version = parsed
            case "Id":
                guard case .string(let text) = value else { throw .syntax }
                id = text
            case "Statement":
                statementValue = value
            default:
                throw .syntax
            }
        }
        let statementObjects: [[(key: String, value: PolicyJSON)]]
        switch statementValue {
        case .object(let members): statementObjects = [members]
        case .array(let elements) where !elements.isEmpty:
            statementObjects = try elements.map { element throws(PolicyDocumentError) in
                guard case .object(let members) = element else { throw .syntax }
                return members
            }
        default:
            throw .syntax
        }
        let statements = try statementObjects.map { members throws(PolicyDocumentError) in
            try PolicyStatement(members: members)
        }
        let sids = statements.compactMap(\.sid)
        guard Set(sids).count == sids.count else { throw .duplicateSid }
        self.init(version: version, id: id, statements: statements)
    }

    private static func json(_ text: String) throws(PolicyDocumentError) -> PolicyJSON {
        do {
            return try PolicyJSON.parse(text)
        } catch {
            throw .syntax
        }
    }
}

extension PolicyStatement {
    init(members: [(key: String, value: PolicyJSON)]) throws(PolicyDocumentError) {
        var sid: String?
        var effect: Effect?
        var actions: PatternList?
        var resources: PatternList?
        var conditions: [PolicyCondition] = []
        // Principal first: its message is more useful than any syntax error beside it.
        if members.contains(where: { $0.key == "Principal" || $0.key == "NotPrincipal" }) { throw .principal }
        for (key, value) in members {
            switch key {
            case "Sid":
                guard case .string(let text) = value else { throw .syntax }
                guard text.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) })
                else { throw .sidNotAlphanumeric }
                sid = text
            case "Effect":
                guard case .string(let text) = value, let parsed = Effect(rawValue: text) else { throw .syntax }
                effect = parsed
            case "Action", "NotAction":
                guard actions == nil else { throw .syntax }
                let list = try Self.strings(value)
                actions = key == "Action" ? .matching(list) : .notMatching(list)
            case "Resource", "NotResource":
                guard resources == nil else { throw .syntax }
                let list = try Self.strings(value)
                resources = key == "Resource" ? .matching(list) : .notMatching(list)
            case "Condition":
                conditions = try Self.conditions(value)
            default:
                throw .syntax
            }
        }
        guard let effect else { throw .syntax }
        guard let actions, !actions.patterns.isEmpty else { throw .missingActions }
        for action in actions.patterns where action != "*" {
            try Self.checkVendorPrefix(action)
        }
        guard let resources, !resources.patterns.isEmpty else { throw .missingResources }
        for resource in resources.patterns where resource != "*" {
            guard ARN(resource) != nil else { throw .resourceNotARN(resource) }
        }
        self.init(sid: sid, effect: effect, actions: actions, resources: resources, conditions: conditions)
    }

    /// `vendor:name`, with exactly one colon and a non-empty vendor.
    static func checkVendorPrefix(_ name: String) throws(PolicyDocumentError) {
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 2, !parts[0].isEmpty else { throw .missingVendor }
        guard parts.count == 2 else { throw .tooManyColons }
    }

    /// A string or a list of strings.
    private static func strings(_ value: PolicyJSON) throws(PolicyDocumentError) -> [String] {
        switch value {
        case .string(let text): return [text]
        case .array(let elements):
            return try elements.map { element throws(PolicyDocumentError) in
                guard case .string(let text) = element else { throw .syntax }
                return text
            }
        default: throw .syntax
        }
    }

    private static func conditions(_ value: PolicyJSON) throws(PolicyDocumentError) -> [PolicyCondition] {
        guard case .object(let operators) = value else { throw .syntax }
        var conditions: [PolicyCondition] = []
        for (name, block) in operators {
            guard let conditionOperator = ConditionOperator(name) else { throw .invalidConditionOperator(name) }
            guard case .object(let keys) = block, !keys.isEmpty else { throw .syntax }
            for (key, rawValues) in keys {
                try checkVendorPrefix(key)
                let values: [String]
                switch rawValues {
                case .array(let elements) where !elements.isEmpty:
                    values = try elements.map { element throws(PolicyDocumentError) in
                        guard let text = element.scalarText else { throw .syntax }
                        return text
                    }
                default:
                    guard let text = rawValues.scalarText else { throw .syntax }
                    values = [text]
                }
                for text in values where !ConditionValue.isValid(text, for: conditionOperator.base) {
                    throw .invalidConditionValue(name, text)
                }
                conditions.append(PolicyCondition(conditionOperator, key: key, values: values))
            }
        }
        return conditions
    }
}
