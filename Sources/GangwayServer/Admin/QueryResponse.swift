/// An answer to a Query API request, ready to write: status, content type and XML body.
///
/// The body of a successful `CreateAccessKey` holds the new secret, so bodies must never be
/// logged.
public struct QueryResponse: Sendable, Hashable {
    public let status: Int
    public let contentType: String
    public let body: String

    public init(status: Int, contentType: String = QueryResponse.xmlContentType, body: String) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// What IAM and STS answer with.
    public static let xmlContentType = "text/xml"
}
