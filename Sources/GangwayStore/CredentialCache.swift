import Synchronization

/// The in-memory answers of `credential(forAccessKeyID:)`, so authentication does not touch
/// the database on every request.
///
/// Every write through the store calls ``invalidate()``, which starts a new generation. A lookup
/// that missed remembers the generation it started in and may only fill the cache if no write
/// happened meanwhile, so a read racing a write can never plant the old state back after the
/// invalidation.
final class CredentialCache: Sendable {
    enum Entry: Sendable {
        case found(AccessKeyCredential)
        /// Remembered too, so a flood of unknown key ids does not reach the database.
        case missing

        var credential: AccessKeyCredential? {
            if case .found(let credential) = self { return credential }
            return nil
        }
    }

    enum Lookup {
        case hit(Entry)
        case miss(generation: UInt64)
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// Changed only under the lock of `entries` (so a fill checks it against invalidations),
    /// read without it by ``generation``: a connection that remembers its last admission
    /// checks it on every request.
    private let currentGeneration = Atomic<UInt64>(0)
    /// Past this many entries the cache starts over rather than grow without bound, since
    /// unknown key ids come from the network.
    private let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func lookup(_ accessKeyID: String) -> Lookup {
        entries.withLock { entries in
            if let entry = entries[accessKeyID] { return .hit(entry) }
            return .miss(generation: currentGeneration.load(ordering: .relaxed))
        }
    }

    func fill(_ accessKeyID: String, with entry: Entry, loadedIn generation: UInt64) {
        entries.withLock { entries in
            guard currentGeneration.load(ordering: .relaxed) == generation else { return }
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[accessKeyID] = entry
        }
    }

    func invalidate() {
        entries.withLock { entries in
            entries.removeAll()
            currentGeneration.wrappingAdd(1, ordering: .releasing)
        }
    }

    /// The current generation: while it stays the same, no write has happened, so whatever
    /// the cache answered since it began is still the store's answer.
    var generation: UInt64 {
        currentGeneration.load(ordering: .acquiring)
    }
}
