/// Whether an access key may sign requests. The raw values are IAM's wire spelling.
public enum AccessKeyStatus: String, Sendable, Hashable, CaseIterable {
    case active = "Active"
    case inactive = "Inactive"
}
