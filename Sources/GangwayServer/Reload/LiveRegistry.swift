import Synchronization

/// The endpoint registry in force, swapped whole on a configuration reload.
///
/// A request takes one snapshot and keeps it: a stream that started before a reload finishes
/// on the pool it started on, even if that pool was removed ("removed ones drain").
public final class LiveRegistry: Sendable {
    private let registry: Mutex<EndpointRegistry>
    private let continuation: AsyncStream<Void>.Continuation
    /// One element per reload, for the health checker (its only reader).
    let changes: AsyncStream<Void>

    public init(_ registry: EndpointRegistry) {
        self.registry = Mutex(registry)
        (changes, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    public var current: EndpointRegistry {
        registry.withLock { $0 }
    }

    func replace(with newRegistry: EndpointRegistry) {
        registry.withLock { $0 = newRegistry }
        continuation.yield()
    }

    func contains(_ pool: ModelPool) -> Bool {
        current.allPools.contains { $0 === pool }
    }
}
