import GangwayStore

/// The user an action is about, and the ARN its permission is checked on.
struct TargetUser: Sendable, Hashable {
    let name: String
    let arn: String
}

extension QueryAPI {
    /// Asks the policy engine, once, and refuses with IAM's `AccessDenied` wording.
    func require(
        _ operation: QueryOperation, on resource: String, caller: AdminCaller, _ authorize: PermissionCheck
    ) throws(QueryError) {
        guard authorize(operation.policyAction, resource) else {
            throw .accessDenied(caller: caller.arn, action: operation.policyAction, resource: resource)
        }
    }

    /// The user named by an action's `UserName`, or the caller when it has none (as IAM does
    /// for `GetUser`, the access key actions and so on).
    ///
    /// An existing user is authorized on its stored ARN: its path included, so policies
    /// scoped to a path hold, and its name as created, so a differently cased name cannot
    /// slip past a policy written for the real one. A user that does not exist is authorized
    /// on `user/{name}`, so a caller without permission learns nothing about it.
    func target(_ name: String?, caller: AdminCaller) async throws -> TargetUser {
        guard let name else {
            guard caller.arn.contains(":user/") else {
                throw QueryError(
                    status: 400, code: "ValidationError",
                    message: "Must specify userName when calling with non-User credentials")
            }
            return TargetUser(name: caller.userName, arn: caller.arn)
        }
        do {
            let user = try await store.getUser(name: name)
            return TargetUser(name: user.name, arn: user.arn)
        } catch let error as IdentityStoreError where error.code == .noSuchEntity || error.code == .invalidInput {
            return TargetUser(name: name, arn: IAMUser.arn(account: account, path: "/", name: name))
        }
    }
}
