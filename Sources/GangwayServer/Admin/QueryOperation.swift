/// The actions Gangway answers, each under the API version that defines it.
enum QueryOperation: String, Sendable, Hashable, CaseIterable {
    // IAM
    case createUser = "CreateUser"
    case getUser = "GetUser"
    case listUsers = "ListUsers"
    case deleteUser = "DeleteUser"
    case createAccessKey = "CreateAccessKey"
    case listAccessKeys = "ListAccessKeys"
    case updateAccessKey = "UpdateAccessKey"
    case deleteAccessKey = "DeleteAccessKey"
    case putUserPolicy = "PutUserPolicy"
    case getUserPolicy = "GetUserPolicy"
    case listUserPolicies = "ListUserPolicies"
    case deleteUserPolicy = "DeleteUserPolicy"
    // STS
    case getCallerIdentity = "GetCallerIdentity"

    /// The action named `action` in API `version`; `nil` if that version has no such action
    /// (action names are case-sensitive, as in AWS).
    init?(action: String, version: String?) {
        guard let operation = Self(rawValue: action), let version, operation.service.version == version else {
            return nil
        }
        self = operation
    }

    var service: QueryService {
        switch self {
        case .getCallerIdentity: .sts
        default: .iam
        }
    }

    /// The name policies grant, such as `iam:CreateUser`.
    var policyAction: String { "\(service.signingName):\(rawValue)" }
}
