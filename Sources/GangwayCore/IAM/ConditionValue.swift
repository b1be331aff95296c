/// Typed readings of condition values (numbers, dates, booleans, addresses), shared by the
/// parser (to refuse a policy with an unreadable value) and the evaluator.
enum ConditionValue {
    static func isValid(_ text: String, for base: ConditionOperator.Base) -> Bool {
        switch base {
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan,
            .numericGreaterThanEquals:
            number(text) != nil
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            date(text) != nil
        case .bool, .null:
            bool(text) != nil
        case .ipAddress, .notIpAddress:
            IPAddressRange(text) != nil
        default:
            true
        }
    }

    /// A decimal number: optional sign, digits, optional fraction and exponent.
    static func number(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 64,
            bytes.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || Array("+-.eE".utf8).contains($0) }),
            let value = Double(text), value.isFinite
        else { return nil }
        return value
    }

    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// Seconds since 1970 from ISO 8601 (`2024-05-06`, `2024-05-06T07:08:09Z`, with optional
    /// fraction and `±hh:mm` offset) or from epoch seconds (`1714979289`), as AWS accepts both.
    static func date(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        if !bytes.isEmpty, bytes.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: ".") }) {
            return number(text)
        }
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = CivilTime.digits(bytes[0..<4]), let month = CivilTime.digits(bytes[5..<7]),
            let day = CivilTime.digits(bytes[8..<10])
        else { return nil }
        var civil = CivilTime(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        var fraction = 0.0
        var offset = 0
        if bytes.count > 10 {
            guard bytes.count >= 16, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
                bytes[13] == UInt8(ascii: ":"), let hour = CivilTime.digits(bytes[11..<13]),
                let minute = CivilTime.digits(bytes[14..<16])
            else { return nil }
            civil.hour = hour
            civil.minute = minute
            var index = 16
            if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
                guard bytes.count >= index + 3, let second = CivilTime.digits(bytes[index + 1..<index + 3]) else { return nil }
                civil.second = second
                index += 3
                if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                    let start = index
                    index += 1
                    while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
                    guard index > start + 1, let value = Double("0" + String(decoding: bytes[start..<index], as: UTF8.self))
                    else { return nil }
                    fraction = value
                }
            }
            guard let zone = zoneOffset(bytes[index...]) else { return nil }
            offset = zone
        }
        guard civil.isValid else { return nil }
        return Double(civil.epochSeconds - Int64(offset)) + fraction
    }

    /// `Z`, `±hh:mm`, `±hhmm` or nothing (UTC), in seconds east of UTC.
    private static func zoneOffset(_ bytes: ArraySlice<UInt8>) -> Int? {
        let zone = Array(bytes)
        if zone.isEmpty || zone == [UInt8(ascii: "Z")] || zone == [UInt8(ascii: "z")] { return 0 }
        guard zone.count == 6 || zone.count == 5, zone[0] == UInt8(ascii: "+") || zone[0] == UInt8(ascii: "-") else {
            return nil
        }
        let minutesStart = zone.count == 6 ? 4 : 3
        guard zone.count == 5 || zone[3] == UInt8(ascii: ":"), let hours = CivilTime.digits(zone[1..<3]),
            let minutes = CivilTime.digits(zone[minutesStart..<minutesStart + 2]), hours < 24, minutes < 60
        else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return zone[0] == UInt8(ascii: "-") ? -seconds : seconds
    }
}
