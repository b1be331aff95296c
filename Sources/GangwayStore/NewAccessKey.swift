public import GangwayCore

/// What `CreateAccessKey` returns: the only time the secret leaves the store on purpose.
public struct NewAccessKey: Sendable, Hashable {
    public var metadata: AccessKeyMetadata
    /// 40 characters of `A-Za-z0-9+/`.
    public var secretAccessKey: Secret

    public init(metadata: AccessKeyMetadata, secretAccessKey: Secret) {
        self.metadata = metadata
        self.secretAccessKey = secretAccessKey
    }
}
