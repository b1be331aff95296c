import GangwayStore
import Synchronization

/// Remembers which callers were allowed to invoke which targets, so a caller's repeat calls
/// skip policy evaluation.
///
/// Only decisions that depend on nothing but the policies are kept (no Condition block or
/// policy variable reads the request), and an entry holds the policies it was made from:
/// it answers only while the caller's policies are still those. Comparing them is cheap in
/// the usual case, since a cached credential hands out the same array storage every time;
/// after the store reloads a credential the comparison is by content, which is still right.
final class AuthorizationCache: Sendable {
    struct Key: Hashable {
        var accessKeyID: String
        var endpoint: String
        var component: String?
        var bearerToken: Bool
    }

    private struct Entry {
        var policies: [UserPolicy]
    }

    /// Past this many entries the cache starts again, so it cannot grow without bound.
    static let capacity = 10_000

    private let entries = Mutex<[Key: Entry]>([:])

    /// True when an identical earlier call was allowed by these same policies.
    func isKnownAllowed(_ key: Key, policies: [UserPolicy]) -> Bool {
        entries.withLock { $0[key]?.policies == policies }
    }

    func rememberAllowed(_ key: Key, policies: [UserPolicy]) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(policies: policies)
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
