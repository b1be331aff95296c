import Synchronization

/// The endpoint registry in force, swapped whole on a configuration reload.
///
/// A request takes one snapshot and keeps it: a stream that started before a reload finishes
/// on the pool it started on, even if that pool was removed ("removed ones drain").
public final class LiveRegistry: Sendable {
    private let registry: Mutex<EndpointRegistry>
    private let continuation: AsyncStream<Void>.Continuation
    private let replacements = Atomic<Int>(0)
    /// One element per reload, for the health checker (its only reader).
    let changes: AsyncStream<Void>

    public init(_ registry: EndpointRegistry) {
        self.registry = Mutex(registry)
        (changes, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    public var current: EndpointRegistry {
        registry.withLock { $0 }
    }

    /// Changes with every replacement, after the new endpoints are in place: a connection can
    /// tell that the route it remembers is still good without taking the lock.
    var generation: Int {
        replacements.load(ordering: .acquiring)
    }

    func replace(with newRegistry: EndpointRegistry) {
        registry.withLock { $0 = newRegistry }
        replacements.add(1, ordering: .releasing)
        continuation.yield()
    }

    func contains(_ pool: ModelPool) -> Bool {
        current.allPools.contains { $0 === pool }
    }
}
