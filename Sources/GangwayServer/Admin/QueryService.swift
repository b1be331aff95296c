/// The AWS Query APIs answered on `POST /`, told apart by the form's `Version`.
public enum QueryService: Sendable, Hashable, CaseIterable {
    case iam
    case sts

    /// The service that a form's `Version` names, or `nil` for a version Gangway does not speak.
    public init?(version: String) {
        guard let service = Self.allCases.first(where: { $0.version == version }) else { return nil }
        self = service
    }

    /// The service a decoded form is addressed to, so that errors found before dispatch (a bad
    /// signature, for instance) can be written in that service's namespace, and the SigV4
    /// credential scope can be checked against it.
    public init?(form: [String: String]) {
        guard let version = form["Version"] else { return nil }
        self.init(version: version)
    }

    /// The API version clients send as `Version`.
    public var version: String {
        switch self {
        case .iam: "2010-05-08"
        case .sts: "2011-06-15"
        }
    }

    /// The service name in a SigV4 credential scope.
    public var signingName: String {
        switch self {
        case .iam: "iam"
        case .sts: "sts"
        }
    }

    /// The XML namespace of every response and error of this API.
    var xmlNamespace: String { "https://\(signingName).amazonaws.com/doc/\(version)/" }
}
