import GangwayCore
import Logging
import NIOHTTP1

/// What every OpenAI-path exchange shares: the live endpoints, the guard, metrics, the access
/// log and the instance connections. A class, so an exchange holds one reference, not seven.
final class OpenAIForwarder: Sendable {
    let registry: LiveRegistry
    let runtimeGuard: RuntimeGuard
    let metrics: GatewayMetrics
    let accessLog: AccessLog
    let connections: UpstreamConnectionPool
    let defaultMaxBodyBytes: Int
    let logger: Logger

    init(
        registry: LiveRegistry, runtimeGuard: RuntimeGuard, metrics: GatewayMetrics, accessLog: AccessLog,
        connections: UpstreamConnectionPool, defaultMaxBodyBytes: Int, logger: Logger
    ) {
        self.registry = registry
        self.runtimeGuard = runtimeGuard
        self.metrics = metrics
        self.accessLog = accessLog
        self.connections = connections
        self.defaultMaxBodyBytes = defaultMaxBodyBytes
        self.logger = logger
    }

    /// The target and its model (or why there is none) if this request is on an OpenAI path;
    /// nil when the router serves it.
    func route(_ head: HTTPRequestHead) -> (OpenAIPath, Result<ModelPool, GatewayError>)? {
        route(method: head.method, target: head.uri)
    }

    func route(method: HTTPMethod, target uri: String) -> (OpenAIPath, Result<ModelPool, GatewayError>)? {
        switch method {
        case .GET, .POST, .PUT, .PATCH, .DELETE: break
        default: return nil
        }
        guard let target = OpenAIPath.parse(uri) else { return nil }
        let resolved = Result { () throws(GatewayError) in
            try registry.current.pool(endpoint: target.endpoint, component: target.component)
        }
        return (target, resolved)
    }
}
