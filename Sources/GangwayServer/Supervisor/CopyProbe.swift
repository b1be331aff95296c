import AsyncHTTPClient
import GangwayCore
import NIOCore

/// The health check that admits a starting copy: `health_path` when configured, else the
/// health checker's `/ping`, `/health`, `/v1/models` in turn (a 404 moves on to the next
/// path; the path that answered is remembered for the health checker's later rounds).
struct CopyProbe: Sendable {
    let client: HTTPClient
    let copy: ManagedCopy

    /// How often a starting copy is probed: often enough that a copy takes traffic soon after
    /// it is ready, rarely enough to cost nothing while a large model loads.
    static let interval: Duration = .milliseconds(250)

    enum Outcome: Sendable, Equatable {
        case healthy
        case timedOut
        case cancelled
    }

    /// Probes until the copy answers 2xx, the deadline passes, or the task is cancelled.
    func untilHealthy(deadline: ContinuousClock.Instant) async -> Outcome {
        while !Task.isCancelled {
            if await probeOnce() { return .healthy }
            let now = ContinuousClock.now
            guard now < deadline else { return .timedOut }
            do {
                try await Task.sleep(for: min(Self.interval, deadline - now))
            } catch {
                return .cancelled
            }
        }
        return .cancelled
    }

    func probeOnce() async -> Bool {
        let timeout = TimeAmount.nanoseconds(copy.pool.settings.healthCheck.timeout.nanoseconds)
        let candidates = copy.run.healthPath.map { [$0] } ?? HealthChecker.probePaths
        for path in candidates {
            var request = HTTPClientRequest(url: copy.instance.url.description + path)
            request.method = .GET
            guard let response = try? await client.execute(request, timeout: timeout) else { return false }
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if (200..<300).contains(response.status.code) {
                if copy.run.healthPath == nil { copy.pool.setProbePath(path, for: copy.instance) }
                return true
            }
            guard response.status == .notFound else { return false }
        }
        return false
    }
}
