import GangwayCore
import Prometheus
import Synchronization

/// Gangway's metrics, named after SageMaker's endpoint metrics so dashboards carry over, in
/// Prometheus text format. Label sets are bounded: endpoints, components and instances come
/// from the configuration, never from request input.
public final class GatewayMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let live: LiveRegistry
    /// Per pool, made on first use; a reload's new pools get theirs then (the collector
    /// registry hands back the same series for the same labels).
    private let pools = Mutex<[ObjectIdentifier: (metrics: PoolMetrics, health: [Gauge])]>([:])
    private let authFailures: [String: Counter]

    /// Microsecond buckets from 100 µs to 5 min: gateway overhead sits at the low end, model
    /// latency anywhere.
    static let latencyBuckets: [Double] = [
        100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000,
        5_000_000, 10_000_000, 30_000_000, 60_000_000, 300_000_000,
    ]
    static let overheadBuckets: [Double] = [10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 50_000, 100_000]
    static let authReasons = [
        "missing", "invalid_token", "expired_token", "token_not_yet_valid", "incomplete_signature",
        "signature_does_not_match", "request_expired", "unknown_access_key", "inactive_access_key", "access_denied",
    ]

    public init(registry live: LiveRegistry) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        self.live = live
        var failures: [String: Counter] = [:]
        for reason in Self.authReasons {
            failures[reason] = registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    metricName: "gangway_auth_failures_total", unitName: "",
                    helpText: "Requests refused by authentication or authorization, by reason."),
                labels: [("reason", reason)])
        }
        authFailures = failures
        for pool in live.current.allPools { _ = entry(for: pool) }
    }

    func pool(_ pool: ModelPool) -> PoolMetrics? {
        entry(for: pool).metrics
    }

    private func entry(for pool: ModelPool) -> (metrics: PoolMetrics, health: [Gauge]) {
        if let existing = pools.withLock({ $0[ObjectIdentifier(pool)] }) { return existing }
        let made = (
            metrics: PoolMetrics(pool: pool, registry: registry),
            health: pool.instances.map { instance in
                registry.makeGauge(
                    descriptor: MetricNameDescriptor(
                        metricName: "gangway_instance_healthy", unitName: "",
                        helpText: "1 when the instance is in rotation, 0 when it is out."),
                    labels: PoolMetrics.labels(pool) + [("instance", instance.url.description)])
            }
        )
        return pools.withLock { pools in
            if let raced = pools[ObjectIdentifier(pool)] { return raced }
            pools[ObjectIdentifier(pool)] = made
            return made
        }
    }

    func authFailure(_ reason: String) {
        authFailures[reason]?.increment()
    }

    /// The exposition text; instance health is read from the pools at scrape time.
    public func render() -> [UInt8] {
        for pool in live.current.allPools {
            let gauges = entry(for: pool).health
            for (index, status) in pool.status().enumerated() where index < gauges.count {
                gauges[index].set(status.health == .unhealthy ? 0.0 : 1.0)
            }
        }
        return registry.emitToBuffer()
    }
}

/// The metrics of one model (endpoint or component), created once so the request path only
/// increments.
final class PoolMetrics: Sendable {
    let invocations: Counter
    let errors4xx: Counter
    let errors5xx: Counter
    let modelErrors: Counter
    let modelLatency: ValueHistogram
    let overheadLatency: ValueHistogram
    let timeToFirstToken: ValueHistogram
    let chunkGap: ValueHistogram
    let concurrent: Gauge
    let promptTokens: Counter
    let completionTokens: Counter
    let perInstance: [Counter]

    static func labels(_ pool: ModelPool) -> [(String, String)] {
        [("endpoint", pool.endpointName.lowercased()), ("component", pool.componentName?.lowercased() ?? "")]
    }

    init(pool: ModelPool, registry: PrometheusCollectorRegistry) {
        let labels = Self.labels(pool)
        invocations = registry.makeCounter(
                descriptor: MetricNameDescriptor(metricName: "gangway_invocations_total", unitName: "", helpText: "Invocations (SageMaker: Invocations)."), labels: labels)
        errors4xx = registry.makeCounter(
                descriptor: MetricNameDescriptor(metricName: "gangway_invocation_4xx_errors_total", unitName: "", helpText: "Invocations answered with a 4xx status (SageMaker: Invocation4XXErrors)."), labels: labels)
        errors5xx = registry.makeCounter(
                descriptor: MetricNameDescriptor(metricName: "gangway_invocation_5xx_errors_total", unitName: "", helpText: "Invocations answered with a 5xx status (SageMaker: Invocation5XXErrors)."), labels: labels)
        modelErrors = registry.makeCounter(
                descriptor: MetricNameDescriptor(metricName: "gangway_invocation_model_errors_total", unitName: "", helpText: "Invocations where the model answered non-2xx, failed or timed out (SageMaker: InvocationModelErrors)."), labels: labels)
        modelLatency = registry.makeValueHistogram(
                descriptor: MetricNameDescriptor(metricName: "gangway_model_latency_microseconds", unitName: "", helpText: "Time the instance took, from sending the request to its last byte (SageMaker: ModelLatency)."), labels: labels,
                buckets: GatewayMetrics.latencyBuckets)
        overheadLatency = registry.makeValueHistogram(
                descriptor: MetricNameDescriptor(metricName: "gangway_overhead_latency_microseconds", unitName: "", helpText: "Time Gangway added: total time minus model latency (SageMaker: OverheadLatency)."), labels: labels,
                buckets: GatewayMetrics.overheadBuckets)
        timeToFirstToken = registry.makeValueHistogram(
                descriptor: MetricNameDescriptor(metricName: "gangway_time_to_first_token_microseconds", unitName: "", helpText: "From the request's arrival to the first response chunk written to the client."), labels: labels,
                buckets: GatewayMetrics.latencyBuckets)
        chunkGap = registry.makeValueHistogram(
                descriptor: MetricNameDescriptor(metricName: "gangway_chunk_gap_microseconds", unitName: "", helpText: "Gap between consecutive response chunks from the instance."), labels: labels,
                buckets: GatewayMetrics.latencyBuckets)
        concurrent = registry.makeGauge(
                descriptor: MetricNameDescriptor(metricName: "gangway_concurrent_requests", unitName: "", helpText: "Requests in flight (SageMaker: ConcurrentRequestsPerModel)."), labels: labels)
        promptTokens = registry.makeCounter(
                descriptor: MetricNameDescriptor(metricName: "gangway_prompt_tokens_total", unitName: "", helpText: "Prompt tokens, read from usage in responses."), labels: labels)
        completionTokens = registry.makeCounter(
                descriptor: MetricNameDescriptor(metricName: "gangway_completion_tokens_total", unitName: "", helpText: "Completion tokens, read from usage in responses."), labels: labels)
        perInstance = pool.instances.map { instance in
            registry.makeCounter(
                descriptor: MetricNameDescriptor(metricName: "gangway_invocations_per_instance_total", unitName: "", helpText: "Invocations sent to each instance (SageMaker: InvocationsPerInstance)."), labels: labels + [("instance", instance.url.description)])
        }
    }
}
