public import Foundation

/// An IAM user as the IAM API describes it.
public struct IAMUser: Sendable, Hashable {
    /// The user name, as it was created (lookups ignore case, as IAM's do).
    public var name: String
    /// The IAM path, `/` unless the user was created with another.
    public var path: String
    /// `AIDA` followed by 17 upper-case letters and digits.
    public var userID: String
    /// `arn:aws:iam::{account}:user{path}{name}`.
    public var arn: String
    public var createDate: Date

    public init(name: String, path: String, userID: String, arn: String, createDate: Date) {
        self.name = name
        self.path = path
        self.userID = userID
        self.arn = arn
        self.createDate = createDate
    }

    /// The user's ARN. The path carries both of its slashes, so the default path `/` gives
    /// `arn:aws:iam::123456789012:user/alice`, as in AWS.
    public static func arn(account: String, path: String, name: String) -> String {
        "arn:aws:iam::\(account):user\(path)\(name)"
    }
}
