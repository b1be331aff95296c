import Foundation
import Synchronization

/// Last-used dates waiting to be written. Recording a use only updates this map, so the
/// request path never waits on the database; the store writes the map in one transaction
/// once `flushInterval` has passed since the last write, and when it closes.
final class KeyUseLog: Sendable {
    private struct State {
        var pending: [String: Date] = [:]
        var lastFlush: Date
    }

    private let state: Mutex<State>
    private let flushInterval: TimeInterval

    init(flushInterval: TimeInterval, now: Date) {
        self.flushInterval = flushInterval
        state = Mutex(State(lastFlush: now))
    }

    /// Records a use; returns whether a flush is due.
    func record(_ accessKeyID: String, at date: Date) -> Bool {
        state.withLock { state in
            state.pending[accessKeyID] = max(date, state.pending[accessKeyID] ?? date)
            return date.timeIntervalSince(state.lastFlush) >= flushInterval
        }
    }

    /// Hands over what is pending and starts a new interval.
    func take(at now: Date) -> [String: Date] {
        state.withLock { state in
            defer { state.pending = [:] }
            state.lastFlush = now
            return state.pending
        }
    }

    /// Puts back uses whose write failed, keeping the later date where both exist.
    func restore(_ uses: [String: Date]) {
        state.withLock { state in
            state.pending.merge(uses) { max($0, $1) }
        }
    }

    /// The pending date for a key, so listings show uses not yet written.
    func pending(_ accessKeyID: String) -> Date? {
        state.withLock { $0.pending[accessKeyID] }
    }
}
