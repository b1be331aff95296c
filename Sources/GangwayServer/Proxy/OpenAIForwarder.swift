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
    func route(_ head: HTTPRequestHead) -> ResolvedTarget? {
        route(method: head.method, target: head.uri)
    }

    /// The route of the last request on one connection, with its model's metrics. A keep-alive
    /// client calls the same endpoint over and over; parsing the path and finding the model and
    /// its metrics again each time is most of a microsecond on the way to the model.
    struct RouteMemo {
        fileprivate let method: HTTPMethod
        fileprivate let target: String
        fileprivate let generation: Int
        fileprivate let route: ResolvedTarget
    }

    /// As ``route(method:target:)``, reusing `memo` while the method and target
    /// are the same and the endpoints have not been reloaded since.
    func route(_ head: ClientRequestHead, memo: inout RouteMemo?) -> ResolvedTarget? {
        // Read before the endpoints: a reload in between leaves a memo that is never matched.
        let generation = registry.generation
        if let memo, memo.generation == generation, memo.method == head.method, head.hasTarget(memo.target) {
            return memo.route
        }
        let target = head.target
        guard let route = route(method: head.method, target: target) else { return nil }
        memo = RouteMemo(method: head.method, target: target, generation: generation, route: route)
        return route
    }

    func route(method: HTTPMethod, target uri: String) -> ResolvedTarget? {
        switch method {
        case .GET, .POST, .PUT, .PATCH, .DELETE: break
        default: return nil
        }
        guard let path = OpenAIPath.parse(uri) else { return nil }
        let model = Result { () throws(GatewayError) in
            try registry.current.pool(endpoint: path.endpoint, component: path.component)
        }
        return ResolvedTarget(
            path: path, method: method.rawValue, model: model, metrics: (try? model.get()).flatMap { metrics.pool($0) },
            defaultBodyLimit: defaultMaxBodyBytes)
    }
}
