import AsyncHTTPClient
public import GangwayCore
public import Logging
public import ServiceLifecycle
import Synchronization

/// Runs the model server processes of every `run:` in the configuration, as one `Service`:
/// starts each copy, admits it to its pool once a health check passes, restarts it with
/// backoff when it exits, and forwards its output to the log.
///
/// On graceful shutdown every copy leaves rotation and gets SIGTERM, then SIGKILL after its
/// grace period; on cancellation, SIGKILL at once. `run()` returns only when every copy's
/// process has exited. List it before the HTTP server so it stops after the server: in-flight
/// requests finish against running copies.
public struct ProcessSupervisor: Service {
    public struct CopyStatus: Sendable, Equatable {
        public let label: String
        public let port: Int
        /// The running process, if any.
        public let pid: Int32?
        public let state: CopyLifecycle.State
        public let restarts: Int
    }

    let copies: [ManagedCopy]
    let client: HTTPClient
    let logger: Logger
    let backoff: RestartBackoff
    private let table: SupervisorTable

    public init(copies: [ManagedCopy], client: UpstreamClient, logger: Logger, backoff: RestartBackoff = RestartBackoff()) {
        self.copies = copies
        self.client = client.http
        self.logger = logger
        self.backoff = backoff
        self.table = SupervisorTable(copies: copies)
    }

    public init(registry: EndpointRegistry, client: UpstreamClient, logger: Logger) {
        self.init(copies: registry.managedCopies, client: client, logger: logger)
    }

    /// Every copy's state, pid and restart count, in configuration order.
    public func status() -> [CopyStatus] {
        table.snapshot()
    }

    public func run() async throws {
        guard !copies.isEmpty else {
            // A service that returns early would stop the whole group; wait for shutdown instead.
            try? await gracefulShutdown()
            return
        }
        await withTaskGroup(of: Void.self) { group in
            for (index, copy) in copies.enumerated() {
                let runner = CopyRunner(
                    copy: copy, index: index, client: client, logger: logger, table: table, backoff: backoff)
                group.addTask { await runner.run() }
            }
        }
    }
}

/// The copies' last known state, for ``ProcessSupervisor/status()``.
final class SupervisorTable: Sendable {
    private let rows: Mutex<[ProcessSupervisor.CopyStatus]>

    init(copies: [ManagedCopy]) {
        rows = Mutex(copies.map { ProcessSupervisor.CopyStatus(label: $0.label, port: $0.port, pid: nil, state: .idle, restarts: 0) })
    }

    func update(_ index: Int, lifecycle: CopyLifecycle, pid: Int32?) {
        rows.withLock { rows in
            let row = rows[index]
            rows[index] = ProcessSupervisor.CopyStatus(
                label: row.label, port: row.port, pid: pid, state: lifecycle.state, restarts: lifecycle.restarts)
        }
    }

    func snapshot() -> [ProcessSupervisor.CopyStatus] {
        rows.withLock { $0 }
    }
}
