/// The health of one instance, as a value that consumes probe results and says when the
/// instance enters or leaves rotation.
///
/// A new instance starts in rotation (`.unknown` is routable) so a gateway that restarts does
/// not refuse traffic until its first probe round; a connect failure during a request counts
/// as a failed probe, so a dead instance leaves rotation quickly either way.
public struct InstanceHealth: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        case unknown, healthy, unhealthy
    }

    public enum Transition: Sendable, Equatable {
        case leftRotation
        case returnedToRotation
    }

    public private(set) var state: State = .unknown
    private var consecutiveFailures = 0
    private var consecutiveSuccesses = 0
    private let unhealthyThreshold: Int
    private let healthyThreshold: Int

    public init(unhealthyThreshold: Int, healthyThreshold: Int) {
        self.unhealthyThreshold = max(1, unhealthyThreshold)
        self.healthyThreshold = max(1, healthyThreshold)
    }

    public var isRoutable: Bool { state != .unhealthy }

    public mutating func recordSuccess() -> Transition? {
        consecutiveFailures = 0
        consecutiveSuccesses += 1
        switch state {
        case .unhealthy where consecutiveSuccesses >= healthyThreshold:
            state = .healthy
            return .returnedToRotation
        case .unknown:
            state = .healthy
            return nil
        default:
            return nil
        }
    }

    public mutating func recordFailure() -> Transition? {
        consecutiveSuccesses = 0
        consecutiveFailures += 1
        guard state != .unhealthy, consecutiveFailures >= unhealthyThreshold else { return nil }
        state = .unhealthy
        return .leftRotation
    }

    /// A connection that could not even be opened is decisive: the server is not there.
    public mutating func recordConnectFailure() -> Transition? {
        consecutiveSuccesses = 0
        consecutiveFailures = max(consecutiveFailures + 1, unhealthyThreshold)
        guard state != .unhealthy else { return nil }
        state = .unhealthy
        return .leftRotation
    }
}
