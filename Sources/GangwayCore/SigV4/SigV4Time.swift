public import Foundation

/// The date formats SigV4 uses: `X-Amz-Date` (`20240506T070809Z`), the credential scope's
/// date stamp (`20240506`) and the HTTP `Date` header (`Mon, 06 May 2024 07:08:09 GMT`).
public enum SigV4Time {
    /// `yyyyMMdd'T'HHmmss'Z'` in UTC, seconds rounded down.
    public static func amzDate(_ date: Date) -> String {
        let civil = CivilTime(date)
        return CivilTime.pad(civil.year, 4) + CivilTime.pad(civil.month, 2) + CivilTime.pad(civil.day, 2) + "T"
            + CivilTime.pad(civil.hour, 2) + CivilTime.pad(civil.minute, 2) + CivilTime.pad(civil.second, 2) + "Z"
    }

    /// `yyyyMMdd` in UTC.
    public static func dateStamp(_ date: Date) -> String {
        String(amzDate(date).prefix(8))
    }

    /// Parses `yyyyMMdd'T'HHmmss'Z'` strictly: 16 characters, real calendar fields.
    public static func parseAmzDate(_ text: some StringProtocol) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z"),
            let year = CivilTime.digits(bytes[0..<4]), let month = CivilTime.digits(bytes[4..<6]),
            let day = CivilTime.digits(bytes[6..<8]), let hour = CivilTime.digits(bytes[9..<11]),
            let minute = CivilTime.digits(bytes[11..<13]), let second = CivilTime.digits(bytes[13..<15])
        else { return nil }
        let civil = CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return civil.isValid ? civil.date : nil
    }

    /// Whether `text` is a real `yyyyMMdd` date.
    static func isDateStamp(_ text: some StringProtocol) -> Bool {
        parseAmzDate(text + "T000000Z") != nil
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// An RFC 7231 date with the numeric zone botocore writes (`Mon, 06 May 2024 07:08:09 -0000`).
    public static func httpDate(_ date: Date) -> String {
        let civil = CivilTime(date)
        let days = Int(floor(date.timeIntervalSince1970 / 86_400))
        let weekday = weekdays[((days % 7) + 11) % 7]  // 1970-01-01 was a Thursday.
        return "\(weekday), \(CivilTime.pad(civil.day, 2)) \(months[civil.month - 1]) \(CivilTime.pad(civil.year, 4)) "
            + "\(CivilTime.pad(civil.hour, 2)):\(CivilTime.pad(civil.minute, 2)):\(CivilTime.pad(civil.second, 2)) -0000"
    }

    /// Parses `[Day, ]DD Mon YYYY HH:MM:SS ZONE` with zone `GMT`, `UTC`, `Z`, `+0000` or `-0000`:
    /// the forms clients use for the `Date` header. The weekday, if present, is not cross-checked.
    public static func parseHTTPDate(_ text: some StringProtocol) -> Date? {
        var parts = text.split(separator: " ", omittingEmptySubsequences: true)
        if let first = parts.first, first.hasSuffix(",") {
            guard weekdays.contains(String(first.dropLast())) else { return nil }
            parts.removeFirst()
        }
        guard parts.count == 5, ["GMT", "UTC", "Z", "+0000", "-0000"].contains(String(parts[4])),
            let month = months.firstIndex(of: String(parts[1])),
            parts[0].utf8.count <= 2, let day = CivilTime.digits(ArraySlice(parts[0].utf8)),
            parts[2].utf8.count == 4, let year = CivilTime.digits(ArraySlice(parts[2].utf8))
        else { return nil }
        let clock = Array(parts[3].utf8)
        guard clock.count == 8, clock[2] == UInt8(ascii: ":"), clock[5] == UInt8(ascii: ":"),
            let hour = CivilTime.digits(clock[0..<2]), let minute = CivilTime.digits(clock[3..<5]),
            let second = CivilTime.digits(clock[6..<8])
        else { return nil }
        let civil = CivilTime(year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second)
        return civil.isValid ? civil.date : nil
    }
}
