/// The `date/region/service/aws4_request` part of a SigV4 credential.
public struct SigV4CredentialScope: Sendable, Hashable, CustomStringConvertible {
    public static let terminator = "aws4_request"

    /// `yyyyMMdd`, the UTC day the request or token was signed.
    public let dateStamp: String
    public let region: String
    public let service: String

    public init(dateStamp: String, region: String, service: String) {
        self.dateStamp = dateStamp
        self.region = region
        self.service = service
    }

    /// `20240506/us-east-1/sagemaker/aws4_request`
    public var description: String {
        "\(dateStamp)/\(region)/\(service)/\(Self.terminator)"
    }
}

/// A parsed credential: `AKID/20240506/us-east-1/sagemaker/aws4_request`.
struct SigV4Credential: Sendable, Equatable {
    var accessKeyId: String
    var scope: SigV4CredentialScope

    /// Strict: five non-empty parts, an alphanumeric key id, a real date stamp, a region and a
    /// service of lower-case letters, digits and dashes, and the `aws4_request` terminator.
    /// The limits keep attacker-chosen text short before it reaches a cache key or a log line.
    init?(parsing text: Substring) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[4] == Self.terminatorSubstring,
            Self.isAccessKeyId(parts[0]), SigV4Time.isDateStamp(parts[1]),
            Self.isScopeName(parts[2]), Self.isScopeName(parts[3])
        else { return nil }
        self.accessKeyId = String(parts[0])
        self.scope = SigV4CredentialScope(dateStamp: String(parts[1]), region: String(parts[2]), service: String(parts[3]))
    }

    init(accessKeyId: String, scope: SigV4CredentialScope) {
        self.accessKeyId = accessKeyId
        self.scope = scope
    }

    var description: String { "\(accessKeyId)/\(scope)" }

    private static let terminatorSubstring = Substring(SigV4CredentialScope.terminator)

    static func isAccessKeyId(_ text: Substring) -> Bool {
        (1...128).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            }
    }

    static func isScopeName(_ text: Substring) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "-")
            }
    }
}
