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
/// Pure: the caller passes a snapshot of loads and a random number generator, so the choice is
/// exactly testable.
public enum InstanceSelector {
    public static func choose<RNG: RandomNumberGenerator>(
        policy: RoutingPolicy,
        loads: [InstanceLoad],
        excluding tried: Set<Int> = [],
        using rng: inout RNG
    ) -> Int? {
        var candidates = loads.filter { $0.routable && !tried.contains($0.index) }
        guard !candidates.isEmpty else { return nil }
        switch policy {
        case .random:
            return candidates.randomElement(using: &rng)?.index
        case .leastOutstandingRequests:
            let fewest = candidates.lazy.map(\.outstanding).min() ?? 0
            candidates.removeAll { $0.outstanding != fewest }
            // Ties are broken at random so equal instances share the load evenly.
            return candidates.randomElement(using: &rng)?.index
        }
    }
}
