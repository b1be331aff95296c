/// A refused or failed identity store operation.
///
/// The codes are the IAM error codes the admin API answers with, so the server maps an error
/// to the wire by ``Code/awsCode`` alone. Messages follow IAM's wording and name only users,
/// keys and policies, never a secret.
public struct IdentityStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case noSuchEntity = "NoSuchEntity"
            case entityAlreadyExists = "EntityAlreadyExists"
            case limitExceeded = "LimitExceeded"
            case deleteConflict = "DeleteConflict"
            case invalidInput = "InvalidInput"
            case serviceFailure = "ServiceFailure"
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The user, access key or policy does not exist (HTTP 404 in IAM).
        public static let noSuchEntity = Code(.noSuchEntity)
        /// A user or key with that name or id already exists (409).
        public static let entityAlreadyExists = Code(.entityAlreadyExists)
        /// A quota was reached, such as two access keys per user (409).
        public static let limitExceeded = Code(.limitExceeded)
        /// The user still has access keys or policies, so it cannot be deleted (409).
        public static let deleteConflict = Code(.deleteConflict)
        /// A name, path or document is not acceptable (400).
        public static let invalidInput = Code(.invalidInput)
        /// The store holds something it cannot use, such as a secret that does not decrypt (500).
        /// Failures of the storage below (I/O, SQLite) are thrown as they come, not as this.
        public static let serviceFailure = Code(.serviceFailure)

        /// IAM's error code, for the `<Code>` element of an `ErrorResponse`.
        public var awsCode: String { base.rawValue }

        /// The HTTP status IAM answers this error with.
        public var httpStatus: Int {
            switch base {
            case .noSuchEntity: 404
            case .entityAlreadyExists, .limitExceeded, .deleteConflict: 409
            case .invalidInput: 400
            case .serviceFailure: 500
            }
        }

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// A message fit for the caller.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

extension IdentityStoreError {
    static func noSuchUser(_ name: String) -> Self {
        .init(.noSuchEntity, "The user with name \(name) cannot be found.")
    }

    static func userExists(_ name: String) -> Self {
        .init(.entityAlreadyExists, "User with name \(name) already exists.")
    }

    static func noSuchAccessKey(_ accessKeyID: String) -> Self {
        .init(.noSuchEntity, "The Access Key with id \(accessKeyID) cannot be found.")
    }

    static func noSuchPolicy(_ policyName: String, userName: String) -> Self {
        .init(.noSuchEntity, "The user policy with name \(policyName) cannot be found for user \(userName).")
    }

    static func accessKeyQuota(_ limit: Int) -> Self {
        .init(.limitExceeded, "Cannot exceed quota for AccessKeysPerUser: \(limit)")
    }

    static let userHasAccessKeys = Self(.deleteConflict, "Cannot delete entity, must delete access keys first.")
    static let userHasPolicies = Self(.deleteConflict, "Cannot delete entity, must delete policies first.")

    static func undecryptableSecret(_ accessKeyID: String) -> Self {
        .init(.serviceFailure, "The secret of access key \(accessKeyID) could not be decrypted.")
    }
}
