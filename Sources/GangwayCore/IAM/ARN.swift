/// An Amazon Resource Name: `arn:partition:service:region:account:resource`.
///
/// The resource part may itself contain `:` and `/` (`endpoint/name`, `user/path/alice`);
/// only the first five colons separate fields.
public struct ARN: Sendable, Hashable, CustomStringConvertible {
    public var partition: String
    public var service: String
    public var region: String
    public var account: String
    public var resource: String

    public init(partition: String = "aws", service: String, region: String, account: String, resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.account = account
        self.resource = resource
    }

    /// `nil` unless the text is `arn:` followed by five more fields, the first two non-empty.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
        self.init(
            partition: String(parts[1]), service: String(parts[2]), region: String(parts[3]), account: String(parts[4]),
            resource: String(parts[5]))
    }

    public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }

    /// The fields in order, as ArnLike compares them one by one.
    var components: [String] { ["arn", partition, service, region, account, resource] }
}

extension ARN {
    /// `arn:aws:sagemaker:{region}:{account}:endpoint/{name, lower-cased}`: SageMaker lower-cases names in ARNs.
    public static func sagemakerEndpoint(name: String, region: String, account: String) -> ARN {
        ARN(service: "sagemaker", region: region, account: account, resource: "endpoint/\(name.lowercased())")
    }

    /// `arn:aws:sagemaker:{region}:{account}:inference-component/{name, lower-cased}`
    public static func sagemakerInferenceComponent(name: String, region: String, account: String) -> ARN {
        ARN(service: "sagemaker", region: region, account: account, resource: "inference-component/\(name.lowercased())")
    }

    /// `arn:aws:iam::{account}:user{path}{name}`; IAM is global, so the region is empty.
    public static func iamUser(name: String, account: String, path: String = "/") -> ARN {
        ARN(service: "iam", region: "", account: account, resource: "user\(path)\(name)")
    }

    /// `arn:aws:iam::{account}:role{path}{name}`
    public static func iamRole(name: String, account: String, path: String = "/") -> ARN {
        ARN(service: "iam", region: "", account: account, resource: "role\(path)\(name)")
    }

    /// The part of ``resource`` before the first `/` or `:` (`endpoint`, `user`), if any.
    public var resourceType: String? {
        guard let index = resource.firstIndex(where: { $0 == "/" || $0 == ":" }) else { return nil }
        return String(resource[..<index])
    }

    /// The last `/`-separated part of ``resource`` (an endpoint's or a user's name).
    public var resourceName: String {
        resource.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? resource
    }
}
