import Synchronization

/// Accounts one admitted request against its model's metrics: counted in flight from
/// admission until its response is complete, then classified by status. Finishing is
/// idempotent, and a meter dropped unfinished (a response never written) still leaves the
/// in-flight gauge.
final class RequestMeter: Sendable {
    let metrics: PoolMetrics?
    let start: ContinuousClock.Instant
    private let finished = Atomic<Bool>(false)

    init(metrics: PoolMetrics?, start: ContinuousClock.Instant) {
        self.metrics = metrics
        self.start = start
        metrics?.invocations.increment()
        metrics?.concurrent.increment()
    }

    /// `modelLatency` is nil when the request never reached an instance.
    func finish(status: Int, modelLatency: Duration?, modelFailed: Bool, at now: ContinuousClock.Instant = .now) {
        guard !finished.exchange(true, ordering: .acquiringAndReleasing), let metrics else { return }
        metrics.concurrent.decrement()
        if (400..<500).contains(status) { metrics.errors4xx.increment() }
        if status >= 500 { metrics.errors5xx.increment() }
        if modelFailed { metrics.modelErrors.increment() }
        let total = now - start
        if let modelLatency {
            metrics.modelLatency.record(Double(modelLatency.microseconds))
            metrics.overheadLatency.record(Double(max(.zero, total - modelLatency).microseconds))
        }
    }

    deinit {
        if !finished.load(ordering: .acquiring) { metrics?.concurrent.decrement() }
    }
}
