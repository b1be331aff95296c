import Foundation

/// How many CPUs this process may run on. NIO sizes its thread pool by the machine's cores;
/// under `taskset` or a CPU set that means more event-loop threads than CPUs, and every
/// request then pays for threads taking turns on the same core.
enum CPUAffinity {
    /// From the kernel's `Cpus_allowed` mask in `/proc/self/status`; nil where there is none.
    static func allowedCPUCount() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        return count(statusText: status)
    }

    static func count(statusText: String) -> Int? {
        guard let line = statusText.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else {
            return nil
        }
        let mask = line.dropFirst("Cpus_allowed:".count).filter { $0 != "," && !$0.isWhitespace }
        let count = mask.reduce(0) { total, digit in total + (digit.hexDigitValue?.nonzeroBitCount ?? 0) }
        return count > 0 ? count : nil
    }
}
