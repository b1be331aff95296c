import Synchronization

/// One request's claim on an instance: counted in the pool's outstanding requests until
/// released. Released at most once; a lease dropped without release (a response never
/// written) releases itself, so a counter can never leak.
final class InstanceLease: Sendable {
    let pool: ModelPool
    let instance: ModelPool.Instance
    private let released = Atomic<Bool>(false)

    init(pool: ModelPool, instance: ModelPool.Instance) {
        self.pool = pool
        self.instance = instance
    }

    func release() {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        pool.release(instance)
    }

    deinit {
        release()
    }
}
