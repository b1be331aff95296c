/// Why a policy document was refused, in the words of IAM's `MalformedPolicyDocument` errors.
public struct PolicyDocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { "MalformedPolicyDocument: \(message)" }

    public static let syntax = PolicyDocumentError(message: "Syntax errors in policy.")
    public static let principal = PolicyDocumentError(message: "Policy document should not specify a principal.")
    public static let missingActions = PolicyDocumentError(message: "Policy statement must contain actions.")
    public static let missingResources = PolicyDocumentError(message: "Policy statement must contain resources.")
    public static let duplicateSid = PolicyDocumentError(message: "Statement IDs (SID) in a single policy must be unique.")
    public static let sidNotAlphanumeric = PolicyDocumentError(
        message: "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*")
    public static let missingVendor = PolicyDocumentError(
        message: "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
    public static let tooManyColons = PolicyDocumentError(message: "Actions/Condition can contain only one colon.")

    public static func resourceNotARN(_ resource: String) -> PolicyDocumentError {
        PolicyDocumentError(message: "Resource \(resource) must be in ARN format or \"*\".")
    }

    public static func invalidConditionOperator(_ name: String) -> PolicyDocumentError {
        PolicyDocumentError(message: "Invalid Condition type : \(name).")
    }

    public static func invalidConditionValue(_ operatorName: String, _ value: String) -> PolicyDocumentError {
        PolicyDocumentError(message: "Invalid value \(value) for condition operator \(operatorName).")
    }
}
