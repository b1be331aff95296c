/// How long to wait before restarting a copy that exited: doubling from `initial` up to
/// `maximum`, so a crash loop neither spins the CPU nor leaves a copy down for long after
/// one stray crash.
///
/// A copy that ran for `resetAfter` before it exited counts as recovered, and its next crash
/// waits `initial` again.
public struct RestartBackoff: Sendable, Equatable {
    public let initial: Duration
    public let maximum: Duration
    public let resetAfter: Duration
    /// Restarts in a row without a long enough run in between (counted up to 64).
    public private(set) var consecutiveFailures = 0

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(60), resetAfter: Duration = .seconds(60)) {
        self.initial = max(initial, .zero)
        self.maximum = max(maximum, self.initial)
        self.resetAfter = resetAfter
    }

    /// The delay before the next start of a copy that ran for `uptime` (zero when it never started).
    public mutating func nextDelay(afterRunningFor uptime: Duration) -> Duration {
        if uptime >= resetAfter { consecutiveFailures = 0 }
        var delay = initial
        // Doubling step by step stops at the cap and so cannot overflow, however long the loop.
        for _ in 0..<consecutiveFailures where delay < maximum {
            delay *= 2
        }
        consecutiveFailures = min(consecutiveFailures + 1, 64)
        return min(delay, maximum)
    }
}
