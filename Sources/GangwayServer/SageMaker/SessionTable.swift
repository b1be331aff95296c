import Foundation
import Synchronization

/// Open stateful sessions: which instance of which model holds each one, until the model
/// closes it or it expires. Lookups take the current time as a parameter, so expiry is
/// tested exactly.
///
/// Bounded: when full, expired sessions are dropped first, then the one expiring soonest.
final class SessionTable: Sendable {
    struct Key: Hashable, Sendable {
        /// The pool's target (`endpoint e`, `component c of endpoint e`): session ids are the
        /// model's, so two models may use the same one.
        var target: String
        var id: String
    }

    struct Entry: Sendable, Equatable {
        var instance: Int
        var expires: Date
    }

    let capacity: Int
    /// Applied when the model names no expiry, and the most Gangway keeps any session.
    let maximumLifetime: TimeInterval
    private let entries = Mutex<[Key: Entry]>([:])

    init(capacity: Int = 100_000, maximumLifetime: TimeInterval = 24 * 3600) {
        self.capacity = max(1, capacity)
        self.maximumLifetime = maximumLifetime
    }

    func open(_ session: SessionHeader, target: String, instance: Int, now: Date) {
        let latest = now.addingTimeInterval(maximumLifetime)
        let expires = min(session.expires ?? latest, latest)
        guard expires > now else { return }
        let key = Key(target: target, id: session.id)
        entries.withLock { entries in
            if entries[key] == nil, entries.count >= capacity {
                entries = entries.filter { $0.value.expires > now }
                if entries.count >= capacity, let soonest = entries.min(by: { $0.value.expires < $1.value.expires }) {
                    entries[soonest.key] = nil
                }
            }
            entries[key] = Entry(instance: instance, expires: expires)
        }
    }

    /// The instance holding an open session; nil (and forgotten) once it has expired.
    func instance(for id: String, target: String, now: Date) -> Int? {
        let key = Key(target: target, id: id)
        return entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard entry.expires > now else {
                entries[key] = nil
                return nil
            }
            return entry.instance
        }
    }

    func close(_ id: String, target: String) {
        _ = entries.withLock { $0.removeValue(forKey: Key(target: target, id: id)) }
    }

    var count: Int { entries.withLock { $0.count } }
}
