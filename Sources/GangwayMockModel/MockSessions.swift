import Foundation
import Synchronization

/// The stateful sessions one mock server has opened, as a SageMaker stateful model keeps
/// them: each id is known only to the server that made it, so a request routed to another
/// server is refused, which is how tests see that sessions stay pinned.
final class MockSessions: Sendable {
    /// How long a session stays open, announced in `Expires=`.
    let lifetime: Duration
    private let open = Mutex<[String: Date]>([:])

    init(lifetime: Duration = .seconds(20 * 60)) {
        self.lifetime = lifetime
    }

    /// Opens a session; returns the `X-Amzn-SageMaker-New-Session-Id` value, `<id>; Expires=<UTC time>`.
    func create(now: Date = Date()) -> String {
        let id = UUID().uuidString.lowercased()
        let expires = now.addingTimeInterval(Double(lifetime.components.seconds))
        open.withLock { $0[id] = expires }
        return "\(id); Expires=\(Self.timestamp(expires))"
    }

    func isOpen(_ id: String, now: Date = Date()) -> Bool {
        open.withLock { sessions in
            guard let expires = sessions[id] else { return false }
            if expires <= now { sessions[id] = nil }
            return expires > now
        }
    }

    func close(_ id: String) {
        _ = open.withLock { $0.removeValue(forKey: id) }
    }

    /// `2025-01-31T12:00:00Z`.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
