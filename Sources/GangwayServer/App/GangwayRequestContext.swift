public import Hummingbird
import Logging

/// The per-request context: Hummingbird's core storage, plus what Gangway learns about the
/// request as it passes the middleware (the caller's identity arrives with authentication).
public struct GangwayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    /// What this request did, for the access log; set by the observability middleware.
    public var record: RequestRecord?

    /// The client's IP address, for logs and the `aws:SourceIp` condition key.
    public let remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Bodies are collected by the proxy itself against each endpoint's own limit.
    public var maxUploadSize: Int { .max }
}
