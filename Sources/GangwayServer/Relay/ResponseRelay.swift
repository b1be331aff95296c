import AsyncHTTPClient
import Hummingbird
import NIOCore
import Synchronization

/// Why a relay ended early, after the response head was already sent.
enum RelayFailure: Error, Sendable {
    case idleTimeout
    case totalTimeout
    case upstreamBroken(String)

    var publicMessage: String {
        switch self {
        case .idleTimeout: "The model instance stopped sending data (idle timeout)."
        case .totalTimeout: "The response took longer than the endpoint's total timeout."
        case .upstreamBroken: "The connection to the model instance broke during the response."
        }
    }

    var code: String {
        switch self {
        case .idleTimeout, .totalTimeout: "instance_timeout"
        case .upstreamBroken: "stream_broken"
        }
    }
}

/// What one relay did, for the access log and metrics.
struct RelayOutcome: Sendable {
    var bytes = 0
    var chunks = 0
    var failure: RelayFailure?
}

/// Copies an instance's response body to the client chunk by chunk as it arrives, enforcing
/// the idle gap and total deadline with one watchdog timer per response.
enum ResponseRelay {
    static func relay(
        _ body: HTTPClientResponse.Body,
        to writer: inout any ResponseBodyWriter,
        idleTimeout: Duration,
        deadline: ContinuousClock.Instant,
        observer: inout RelayObserver
    ) async throws -> RelayOutcome {
        let handoff = ChunkHandoff()
        let lastActivity = ActivityClock()
        let watchdog = RelayWatchdog(handoff: handoff, activity: lastActivity, idleTimeout: idleTimeout, deadline: deadline)
        watchdog.start()
        defer { watchdog.stop() }
        var outcome = RelayOutcome()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for try await chunk in body {
                        lastActivity.touch()
                        guard await handoff.send(chunk) else { return }
                    }
                    handoff.finish()
                } catch is CancellationError {
                    handoff.finish(CancellationError())
                } catch {
                    handoff.finish(RelayFailure.upstreamBroken(String(describing: error)))
                }
            }
            do {
                while let chunk = try await handoff.next() {
                    outcome.bytes += chunk.readableBytes
                    outcome.chunks += 1
                    try await writer.write(chunk)
                    observer.chunkWritten(chunk)
                }
            } catch let failure as RelayFailure {
                outcome.failure = failure
            } catch {
                handoff.cancel(error)
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
        return outcome
    }
}

/// When the instance last sent something; read by the watchdog, written per chunk.
final class ActivityClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)

    func touch() {
        let now = ContinuousClock.now
        instant.withLock { $0 = now }
    }

    var last: ContinuousClock.Instant {
        instant.withLock { $0 }
    }
}
