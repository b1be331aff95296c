import GangwayStore

/// A refused or failed Query API call, rendered as an `ErrorResponse` by
/// ``QueryResponse/failure(service:error:requestID:)``. Codes and statuses are IAM's.
struct QueryError: Error, Sendable, Hashable {
    /// Whose fault it is: `Sender` for the 4xx errors, `Receiver` for the 5xx ones.
    enum Fault: String, Sendable, Hashable {
        case sender = "Sender"
        case receiver = "Receiver"
    }

    let status: Int
    let fault: Fault
    let code: String
    let message: String

    /// - Parameter fault: by default, the sender's for a 4xx status and the receiver's otherwise.
    init(status: Int, fault: Fault? = nil, code: String, message: String) {
        self.status = status
        self.fault = fault ?? (status < 500 ? .sender : .receiver)
        self.code = code
        self.message = message
    }

    /// A store refusal carries IAM's code, status and message already.
    init(_ error: IdentityStoreError) {
        self.init(status: error.code.httpStatus, code: error.code.awsCode, message: error.message)
    }

    static func accessDenied(caller: String, action: String, resource: String) -> Self {
        Self(
            status: 403, code: "AccessDenied",
            message: "User: \(caller) is not authorized to perform: \(action) on resource: \(resource)")
    }

    /// One or more parameters broke their constraints; AWS lists them all in one message.
    static func validation(_ violations: [ParameterViolation]) -> Self {
        let count = violations.count
        let heading = "\(count) validation error\(count == 1 ? "" : "s") detected: "
        return Self(
            status: 400, code: "ValidationError",
            message: heading + violations.map(\.description).joined(separator: "; "))
    }

    /// A parameter that is well formed but not acceptable here (IAM's `InvalidInput`).
    static func invalidInput(_ message: String) -> Self {
        Self(status: 400, code: "InvalidInput", message: message)
    }

    static func malformedPolicyDocument(_ message: String) -> Self {
        Self(status: 400, code: "MalformedPolicyDocument", message: message)
    }

    static let missingAction = Self(
        status: 400, code: "MissingAction", message: "The request must contain the parameter Action.")

    /// AWS's wording, which names the version so a client on the wrong API sees why.
    static func invalidAction(_ action: String, version: String?) -> Self {
        Self(
            status: 400, code: "InvalidAction",
            message: "Could not find operation \(action) for version \(version ?? "NO_VERSION_SPECIFIED")")
    }

    /// Anything unexpected. The message says nothing about the cause; that goes to the log.
    static let serviceFailure = Self(
        status: 500, code: "ServiceFailure",
        message: "The request processing has failed because of an unknown error, exception or failure.")
}
