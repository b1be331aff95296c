import Foundation
public import GangwayCore
public import GangwayStore
public import Hummingbird
import HummingbirdCore
import HTTPTypes
public import Logging
import NIOCore
public import ServiceLifecycle

/// Builds Gangway's HTTP application. `gangway serve` and the tests both call this, so what
/// is tested is what runs.
public enum GangwayApplication {
    public static func build(
        config: GangwayConfig,
        store: any IdentityStore,
        logger: Logger,
        accessLog: AccessLog = .disabled,
        extraServices: [any Service] = [],
        reloadConfig: (@Sendable () throws -> GangwayConfig)? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let startRegistry = EndpointRegistry(config: config)
        let registry = LiveRegistry(startRegistry)
        let clients = UpstreamClients()
        let healthClient = UpstreamClient(connectTimeout: config.endpointDefaults.healthCheck.timeout)
        let authenticator = Authenticator(store: store, region: config.region)
        let authorizer = Authorizer()
        let metrics = GatewayMetrics(registry: registry)
        let runtimeGuard = RuntimeGuard(
            authenticator: authenticator, authorizer: authorizer, account: config.account, region: config.region,
            metrics: metrics)
        let connections = UpstreamConnectionPool()
        let forwarder = OpenAIForwarder(
            registry: registry, runtimeGuard: runtimeGuard, metrics: metrics, accessLog: accessLog,
            connections: connections, defaultMaxBodyBytes: config.endpointDefaults.maxBodyBytes, logger: logger)

        let admin = AdminRoutes(
            api: QueryAPI(
                store: store, account: config.account, requestID: { UUID().uuidString.lowercased() },
                reportFailure: { requestID, action, error in
                    logger.error("admin action failed", metadata: ["requestId": "\(requestID)", "action": "\(action)", "error": "\(error)"])
                }),
            authenticator: authenticator, authorizer: authorizer, account: config.account)

        let router = Router(context: GangwayRequestContext.self)
        router.add(middleware: ObservabilityMiddleware(accessLog: accessLog))
        router.add(middleware: ErrorMiddleware())
        router.get("/ping") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"healthy"}"#)))
        }
        router.post("/", use: admin.handle)
        let status = StatusRoutes(
            registry: registry, authenticator: authenticator, authorizer: authorizer, account: config.account,
            region: config.region)
        router.get("/gangway/v1/endpoints", use: status.endpoints)
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
        // The OpenAI paths never reach the router: OpenAIChannelHandler serves them on each
        // connection's event loop, ahead of it.
        SageMakerRuntime(registry: registry, clients: clients, runtimeGuard: runtimeGuard, metrics: metrics).register(on: router)

        let services: [any Service] =
            [
                ShutdownAction {
                    connections.closeAll()
                    await clients.shutdown()
                    try? await healthClient.shutdown()
                    try? await store.close()
                }
            ]
            // Managed model processes (`run:`). Services stop in reverse order, so listed here the
            // supervisor starts before the HTTP server and stops its processes only after the
            // server has drained and the health checker has stopped.
            + [ProcessSupervisor(registry: startRegistry, client: healthClient, logger: logger)]
            + [HealthChecker(registry: registry, client: healthClient, logger: logger)]
            + [HeapTrimmer(logger: logger)] + extraServices
            + (reloadConfig.map { [ConfigReloader(live: registry, running: config, load: $0, logger: logger)] } ?? [])
        return Application(
            router: router,
            server: HTTPServerBuilder { responder in GangwayHTTP1Channel(responder: responder, forwarder: forwarder) },
            configuration: .init(
                address: .hostname(config.listen.host, port: config.listen.port), backlog: config.listenBacklog),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}

/// Runs an action when the service group shuts down (after the services listed after it
/// have stopped), such as closing upstream connection pools.
struct ShutdownAction: Service {
    let action: @Sendable () async -> Void

    func run() async throws {
        try? await gracefulShutdown()
        await action()
    }
}
