import Foundation
import Logging
public import ServiceLifecycle
import Synchronization

/// A server (Gangway or a mock model) running inside the test process on a loopback port,
/// which a test can stop and start again on the same port, as if the process died and came back.
public final class RunningServer: Sendable {
    public typealias Factory = @Sendable (_ port: Int, _ onRunning: @escaping @Sendable (Int) async -> Void) -> any Service

    private let factory: Factory
    private let state = Mutex<(port: Int, task: Task<Void, any Error>?, group: ServiceGroup?)>((0, nil, nil))

    /// The bound port (fixed after the first start).
    public var port: Int { state.withLock { $0.port } }
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public init(factory: @escaping Factory) {
        self.factory = factory
    }

    /// Starts the server (on a free port the first time) and returns once it accepts connections.
    public func start() async throws {
        let requestedPort = port
        let (ready, readyContinuation) = AsyncStream<Int>.makeStream()
        let service = factory(requestedPort) { boundPort in
            readyContinuation.yield(boundPort)
            readyContinuation.finish()
        }
        var logger = Logger(label: "test-server")
        logger.logLevel = .critical
        let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
        let task = Task {
            defer { readyContinuation.finish() }
            try await group.run()
        }
        var iterator = ready.makeAsyncIterator()
        guard let boundPort = await iterator.next() else {
            _ = try await task.value
            throw ServerStartError()
        }
        state.withLock { $0 = (boundPort, task, group) }
    }

    /// Stops the server as SIGTERM would (the listener closes at once, open requests get a
    /// moment to finish) and waits until it is down.
    public func stop(grace: Duration = .milliseconds(500)) async {
        let (task, group) = state.withLock { state in
            defer {
                state.task = nil
                state.group = nil
            }
            return (state.task, state.group)
        }
        guard let task, let group else { return }
        await group.triggerGracefulShutdown()
        let deadline = Task {
            try await Task.sleep(for: grace)
            task.cancel()
        }
        _ = try? await task.value
        deadline.cancel()
    }

    public struct ServerStartError: Error, CustomStringConvertible {
        public var description: String { "the server stopped before it started listening" }
    }
}
