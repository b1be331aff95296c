/// Durations in nanoseconds, summarised as percentiles in microseconds.
struct Samples {
    private(set) var values: [UInt64] = []

    var count: Int { self.values.count }

    mutating func add(_ nanoseconds: UInt64) { self.values.append(nanoseconds) }

    mutating func reserve(_ capacity: Int) { self.values.reserveCapacity(capacity) }

    /// Nearest-rank percentile, in microseconds; nil when there are no samples.
    static func percentile(_ sorted: [UInt64], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return Double(sorted[min(max(rank, 1), sorted.count) - 1]) / 1000
    }

    /// p50, p90, p99, p99.9, max and mean, in microseconds.
    func summary() -> JSONValue {
        let sorted = self.values.sorted()
        var fields: [(String, JSONValue)] = [("count", .number(Double(sorted.count)))]
        for (key, p) in [("p50", 50.0), ("p90", 90.0), ("p99", 99.0), ("p999", 99.9)] {
            fields.append((key, Self.percentile(sorted, p).map(JSONValue.number) ?? .null))
        }
        fields.append(("max", sorted.last.map { .number(Double($0) / 1000) } ?? .null))
        let mean = sorted.isEmpty ? nil : Double(sorted.reduce(0, +)) / Double(sorted.count) / 1000
        fields.append(("mean", mean.map(JSONValue.number) ?? .null))
        return .object(fields)
    }
}

/// A tiny JSON writer: the orchestrator reads one JSON object per run from standard output.
enum JSONValue {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    case object([(String, JSONValue)])
    case array([JSONValue])

    var text: String {
        switch self {
        case .number(let value):
            if value.isNaN || value.isInfinite { return "null" }
            if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
            return String(value)
        case .string(let value):
            var out = "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                default:
                    if scalar.value < 0x20 { out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16) } else { out.unicodeScalars.append(scalar) }
                }
            }
            return out + "\""
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        case .object(let fields):
            return "{" + fields.map { JSONValue.string($0.0).text + ":" + $0.1.text }.joined(separator: ",") + "}"
        case .array(let items):
            return "[" + items.map(\.text).joined(separator: ",") + "]"
        }
    }
}
