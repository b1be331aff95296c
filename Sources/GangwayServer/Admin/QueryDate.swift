import Foundation

/// Dates as IAM writes them: ISO 8601 in UTC to the second, `2026-11-24T22:00:00Z`.
enum QueryDate {
    static func string(_ date: Date) -> String {
        // Whole seconds, rounded down, so a date never appears later than it happened.
        let seconds = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
        return seconds.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }
}
