import GangwayCore
import NIOCore

/// Watches chunks after they are written: bytes, time to first token, gaps, token usage.
struct RelayObserver {
    let metrics: PoolMetrics?
    let start: ContinuousClock.Instant
    var bytes = 0
    var firstChunkAt: ContinuousClock.Instant?
    var lastChunkAt: ContinuousClock.Instant?
    var usage = UsageScanner()

    init(metrics: PoolMetrics?, start: ContinuousClock.Instant) {
        self.metrics = metrics
        self.start = start
    }

    mutating func chunkWritten(_ chunk: ByteBuffer, at now: ContinuousClock.Instant = .now) {
        bytes += chunk.readableBytes
        if let last = lastChunkAt {
            metrics?.chunkGap.record(Double((now - last).microseconds))
        } else {
            firstChunkAt = now
            metrics?.timeToFirstToken.record(Double((now - start).microseconds))
        }
        lastChunkAt = now
        chunk.withUnsafeReadableBytes { usage.scan($0) }
    }

    func report(to record: RequestRecord?, metrics: PoolMetrics?) {
        record?.update { fill(&$0) }
        countTokens(in: metrics)
    }

    /// The same, into fields gathered for the record by their owner.
    func report(into fields: inout RequestRecord.Fields, metrics: PoolMetrics?) {
        fill(&fields)
        countTokens(in: metrics)
    }

    private func fill(_ fields: inout RequestRecord.Fields) {
        fields.bytesOut = bytes
        fields.promptTokens = usage.promptTokens
        fields.completionTokens = usage.completionTokens
    }

    private func countTokens(in metrics: PoolMetrics?) {
        if let prompt = usage.promptTokens { metrics?.promptTokens.increment(by: Int64(prompt)) }
        if let completion = usage.completionTokens { metrics?.completionTokens.increment(by: Int64(completion)) }
    }
}
