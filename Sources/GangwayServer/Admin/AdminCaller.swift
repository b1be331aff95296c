/// Who is calling an admin API, as the authentication in front of it established.
public struct AdminCaller: Sendable, Hashable {
    /// The 12-digit account the caller belongs to.
    public let account: String
    public let userName: String
    /// `AIDA...` for a user.
    public let userID: String
    /// `arn:aws:iam::{account}:user{path}{name}`.
    public let arn: String
    /// The access key that signed the request.
    public let accessKeyID: String

    public init(account: String, userName: String, userID: String, arn: String, accessKeyID: String) {
        self.account = account
        self.userName = userName
        self.userID = userID
        self.arn = arn
        self.accessKeyID = accessKeyID
    }
}
