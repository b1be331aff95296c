import GangwayCore
import HTTPTypes
import Logging

/// What every OpenAI-path exchange shares: the live endpoints, the guard, metrics, the access
/// log and the instance connections.
struct OpenAIForwarder: Sendable {
    let registry: LiveRegistry
    let runtimeGuard: RuntimeGuard
    let metrics: GatewayMetrics
    let accessLog: AccessLog
    let connections: UpstreamConnectionPool
    let defaultMaxBodyBytes: Int
    let logger: Logger

    static let forwardedMethods: Set<HTTPRequest.Method> = [.get, .post, .put, .patch, .delete]

    /// The target and its model (or why there is none) if this request is on an OpenAI path;
    /// nil when the router serves it.
    func route(_ head: HTTPRequest) -> (OpenAIPath, Result<ModelPool, GatewayError>)? {
        guard Self.forwardedMethods.contains(head.method), let path = head.path, let target = OpenAIPath.parse(path)
        else { return nil }
        let resolved = Result { () throws(GatewayError) in
            try registry.current.pool(endpoint: target.endpoint, component: target.component)
        }
        return (target, resolved)
    }
}
