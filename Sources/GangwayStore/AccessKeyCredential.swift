public import GangwayCore

/// Everything request authentication and authorization need about one access key, in one
/// lookup: the key's status and secret, the user it belongs to and that user's policies.
///
/// Immutable and shared: a class, so the cache, the authenticator and each request's caller
/// identity hold one reference rather than copies of its seven strings and arrays (every
/// authenticated request passes it along several times). Compared by value.
public final class AccessKeyCredential: Sendable, Hashable {
    public let accessKeyID: String
    public let status: AccessKeyStatus
    /// The decrypted secret access key.
    public let secret: Secret
    public let user: IAMUser
    /// The user's inline policies, ordered by name.
    public let policies: [UserPolicy]

    public init(
        accessKeyID: String, status: AccessKeyStatus, secret: Secret, user: IAMUser, policies: [UserPolicy]
    ) {
        self.accessKeyID = accessKeyID
        self.status = status
        self.secret = secret
        self.user = user
        self.policies = policies
    }

    public static func == (lhs: AccessKeyCredential, rhs: AccessKeyCredential) -> Bool {
        lhs.accessKeyID == rhs.accessKeyID && lhs.status == rhs.status && lhs.secret == rhs.secret
            && lhs.user == rhs.user && lhs.policies == rhs.policies
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(accessKeyID)
        hasher.combine(status)
        hasher.combine(secret)
        hasher.combine(user)
        hasher.combine(policies)
    }
}
