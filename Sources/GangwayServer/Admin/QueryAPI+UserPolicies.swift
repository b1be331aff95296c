import GangwayCore
import GangwayStore

/// `PutUserPolicy`, `GetUserPolicy`, `ListUserPolicies` and `DeleteUserPolicy`.
extension QueryAPI {
    func putUserPolicy(_ request: QueryRequest, _ authorize: PermissionCheck) async throws -> XMLWriter? {
        var input = request.parameters
        let name = input.required("UserName", .existingUserName)
        let policyName = input.required("PolicyName", .policyName)
        let document = input.required("PolicyDocument", .policyDocument)
        try input.check()
        let target = try await target(name, caller: request.caller)
        try require(.putUserPolicy, on: target.arn, caller: request.caller, authorize)
        if let problem = Self.validatePolicyDocument(document) {
            throw QueryError.malformedPolicyDocument(problem)
        }
        try await store.putUserPolicy(userName: target.name, policyName: policyName, document: document)
        return nil
    }

    func getUserPolicy(_ request: QueryRequest, _ authorize: PermissionCheck) async throws -> XMLWriter {
        var input = request.parameters
        let name = input.required("UserName", .existingUserName)
        let policyName = input.required("PolicyName", .policyName)
        try input.check()
        let target = try await target(name, caller: request.caller)
        try require(.getUserPolicy, on: target.arn, caller: request.caller, authorize)
        let policy = try await store.getUserPolicy(userName: target.name, policyName: policyName)
        var xml = XMLWriter()
        xml.element("UserName", policy.userName)
        xml.element("PolicyName", policy.policyName)
        // URL-encoded, as IAM returns it; the SDKs decode it before parsing the JSON.
        xml.element("PolicyDocument", FormEncoding.percentEncode(policy.document))
        return xml
    }

    func listUserPolicies(_ request: QueryRequest, _ authorize: PermissionCheck) async throws -> XMLWriter {
        var input = request.parameters
        let name = input.required("UserName", .existingUserName)
        let marker = input.optional("Marker", .marker)
        let maxItems = input.optionalInteger("MaxItems", in: 1...1000)
        try input.check()
        let target = try await target(name, caller: request.caller)
        try require(.listUserPolicies, on: target.arn, caller: request.caller, authorize)
        // Policy names are ASCII and the store orders them ignoring case, as this key does.
        let page = try QueryPage(
            try await store.listUserPolicies(userName: target.name), key: { $0.lowercased() }, marker: marker,
            maxItems: maxItems)
        var xml = XMLWriter()
        xml.list("PolicyNames", page.items) { $0.append(text: $1) }
        xml.paging(page)
        return xml
    }

    func deleteUserPolicy(_ request: QueryRequest, _ authorize: PermissionCheck) async throws -> XMLWriter? {
        var input = request.parameters
        let name = input.required("UserName", .existingUserName)
        let policyName = input.required("PolicyName", .policyName)
        try input.check()
        let target = try await target(name, caller: request.caller)
        try require(.deleteUserPolicy, on: target.arn, caller: request.caller, authorize)
        try await store.deleteUserPolicy(userName: target.name, policyName: policyName)
        return nil
    }

    /// `nil` if the document is a valid identity policy, else why not, in IAM's words.
    static func validatePolicyDocument(_ text: String) -> String? {
        do {
            _ = try PolicyDocument(json: text)
            return nil
        } catch {
            return error.message
        }
    }
}
