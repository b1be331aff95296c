import Foundation

/// The instance's `X-Amzn-SageMaker-New-Session-Id` value, `<id>; Expires=<time>`: the model
/// names the session and says how long it keeps it.
struct SessionHeader: Sendable, Equatable {
    var id: String
    /// Nil when the model gave no expiry Gangway can read; the session table then applies its own.
    var expires: Date?

    init(id: String, expires: Date?) {
        self.id = id
        self.expires = expires
    }

    /// Parses `id`, `id; Expires=2025-01-31T12:00:00Z` (fractional seconds and offsets
    /// allowed) or `id; Expires=<seconds since 1970>`. Nil for an empty id.
    init?(_ value: String) {
        let parts = value.split(separator: ";", omittingEmptySubsequences: false)
        let id = parts.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !id.isEmpty else { return nil }
        self.id = id
        self.expires = nil
        for attribute in parts.dropFirst() {
            let pair = attribute.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "expires" else { continue }
            expires = Self.parseTime(pair[1].trimmingCharacters(in: .whitespaces))
        }
    }

    static func parseTime(_ text: String) -> Date? {
        if let seconds = Double(text), seconds.isFinite, seconds > 0 {
            return Date(timeIntervalSince1970: seconds)
        }
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
