/// Parses durations written the way operators write them: `250ms`, `5s`, `15m`, `1h`, `1h30m`,
/// or a bare number of seconds.
public enum ConfigDuration {
    static func parse(_ node: ConfigNode) -> Duration? {
        switch node {
        case .int(let seconds) where seconds >= 0:
            return .seconds(seconds)
        case .double(let seconds) where seconds >= 0 && seconds.isFinite:
            return .milliseconds(Int64((seconds * 1000).rounded()))
        case .string(let text):
            return parse(text)
        default:
            return nil
        }
    }

    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { return nil }
        if let seconds = Double(trimmed), seconds >= 0, seconds.isFinite {
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        var total = Duration.zero
        var index = trimmed.startIndex
        while index < trimmed.endIndex {
            let numberStart = index
            while index < trimmed.endIndex, trimmed[index].isNumber || trimmed[index] == "." {
                index = trimmed.index(after: index)
            }
            guard numberStart < index, let value = Double(trimmed[numberStart..<index]) else { return nil }
            let unitStart = index
            while index < trimmed.endIndex, trimmed[index].isLetter {
                index = trimmed.index(after: index)
            }
            let milliseconds: Double
            switch trimmed[unitStart..<index] {
            case "ms": milliseconds = value
            case "s": milliseconds = value * 1000
            case "m": milliseconds = value * 60_000
            case "h": milliseconds = value * 3_600_000
            default: return nil
            }
            total += .milliseconds(Int64(milliseconds.rounded()))
        }
        return total
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
