public import Foundation

/// An access key as `ListAccessKeys` shows it: everything but the secret.
public struct AccessKeyMetadata: Sendable, Hashable {
    /// `AKIA` followed by 16 characters of `A-Z2-7`.
    public var accessKeyID: String
    public var userName: String
    public var status: AccessKeyStatus
    public var createDate: Date
    /// When the key last signed an accepted request; `nil` if it never has.
    public var lastUsedDate: Date?

    public init(
        accessKeyID: String, userName: String, status: AccessKeyStatus, createDate: Date, lastUsedDate: Date? = nil
    ) {
        self.accessKeyID = accessKeyID
        self.userName = userName
        self.status = status
        self.createDate = createDate
        self.lastUsedDate = lastUsedDate
    }
}
