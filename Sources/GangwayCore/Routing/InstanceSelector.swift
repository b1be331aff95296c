/// What the selector needs to know about one instance at the moment of choice.
public struct InstanceLoad: Sendable, Equatable {
    public var index: Int
    public var outstanding: Int
    public var routable: Bool

    public init(index: Int, outstanding: Int, routable: Bool) {
        self.index = index
        self.outstanding = outstanding
        self.routable = routable
    }
}

/// Chooses an instance for a request among routable ones, skipping those already tried.
///
/// Pure: the caller passes the loads and a random number generator, so the choice is exactly
/// testable.
public enum InstanceSelector {
    public static func choose<RNG: RandomNumberGenerator>(
        policy: RoutingPolicy,
        loads: [InstanceLoad],
        excluding tried: Set<Int> = [],
        using rng: inout RNG
    ) -> Int? {
        choose(policy: policy, count: loads.count, load: { loads[$0] }, excluding: tried, using: &rng)
    }

    /// The same choice read from `load(0..<count)` in two passes, building no array: it runs
    /// for every request, under the pool's lock. Among the eligible instances (routable, not
    /// tried, and for least-outstanding the least busy) one is drawn uniformly.
    @inlinable
    public static func choose<RNG: RandomNumberGenerator>(
        policy: RoutingPolicy,
        count: Int,
        load: (Int) -> InstanceLoad,
        excluding tried: Set<Int>,
        using rng: inout RNG
    ) -> Int? {
        var fewest = Int.max
        var eligible = 0
        for position in 0..<count {
            let candidate = load(position)
            guard candidate.routable, !tried.contains(candidate.index) else { continue }
            switch policy {
            case .random:
                eligible += 1
            case .leastOutstandingRequests:
                if candidate.outstanding < fewest {
                    fewest = candidate.outstanding
                    eligible = 1
                } else if candidate.outstanding == fewest {
                    eligible += 1
                }
            }
        }
        guard eligible > 0 else { return nil }
        // Ties are broken at random so equal instances share the load evenly.
        var remaining = Int.random(in: 0..<eligible, using: &rng)
        for position in 0..<count {
            let candidate = load(position)
            guard candidate.routable, !tried.contains(candidate.index),
                policy == .random || candidate.outstanding == fewest
            else { continue }
            if remaining == 0 { return candidate.index }
            remaining -= 1
        }
        return nil
    }
}
