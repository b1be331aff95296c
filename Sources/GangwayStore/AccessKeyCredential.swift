public import GangwayCore

/// Everything request authentication and authorization need about one access key, in one
/// lookup: the key's status and secret, the user it belongs to and that user's policies.
public struct AccessKeyCredential: Sendable, Hashable {
    public var accessKeyID: String
    public var status: AccessKeyStatus
    /// The decrypted secret access key.
    public var secret: Secret
    public var user: IAMUser
    /// The user's inline policies, ordered by name.
    public var policies: [UserPolicy]

    public init(
        accessKeyID: String, status: AccessKeyStatus, secret: Secret, user: IAMUser, policies: [UserPolicy]
    ) {
        self.accessKeyID = accessKeyID
        self.status = status
        self.secret = secret
        self.user = user
        self.policies = policies
    }
}
