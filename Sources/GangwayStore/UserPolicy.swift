/// An inline policy embedded in a user. The document is kept as the text it was given, so
/// `GetUserPolicy` returns exactly what `PutUserPolicy` received.
public struct UserPolicy: Sendable, Hashable {
    public var userName: String
    public var policyName: String
    /// The policy JSON, verbatim.
    public var document: String

    public init(userName: String, policyName: String, document: String) {
        self.userName = userName
        self.policyName = policyName
        self.document = document
    }
}
