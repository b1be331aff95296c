public import Foundation

/// First start: an empty store gets an administrator, so a new installation can be used (and
/// administered) at once with the AWS tools.
public enum IdentityBootstrap {
    public static let userName = "admin"
    public static let policyName = "AdministratorAccess"
    public static let policyDocument =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
    /// The profile in the credentials file, for `AWS_PROFILE=gangway`.
    public static let profile = "gangway"

    /// What first start created. The secret is only in the credentials file.
    public struct Result: Sendable, Hashable {
        public let user: IAMUser
        public let accessKeyID: String
        public let credentialsFile: URL
        public let profile: String
    }
}

extension IdentityStore {
    /// If the store has no users, creates `admin` with the `AdministratorAccess` inline policy
    /// and one access key, and writes the key to `credentialsFile` (AWS shared-credentials
    /// format, profile `gangway`, mode 0600). Returns `nil` when the store already had users.
    ///
    /// The file is written inside the store's transaction, before it commits: a crash leaves
    /// either no admin (and the next start tries again) or an admin whose key is in the file.
    public func bootstrapIfEmpty(credentialsFile: URL) async throws -> IdentityBootstrap.Result? {
        let created = try await createFirstUser(
            name: IdentityBootstrap.userName,
            policyName: IdentityBootstrap.policyName,
            policyDocument: IdentityBootstrap.policyDocument
        ) { key in
            try SharedCredentialsFile.write(
                to: credentialsFile, profile: IdentityBootstrap.profile,
                accessKeyID: key.metadata.accessKeyID, secretAccessKey: key.secretAccessKey)
        }
        guard let created else { return nil }
        return IdentityBootstrap.Result(
            user: try await getUser(name: IdentityBootstrap.userName),
            accessKeyID: created.metadata.accessKeyID,
            credentialsFile: credentialsFile,
            profile: IdentityBootstrap.profile)
    }
}
