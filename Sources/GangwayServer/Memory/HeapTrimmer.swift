import CGangwayHeap
import Dispatch
import Logging
import ServiceLifecycle

/// Gives memory freed after a burst back to the system. glibc's allocator keeps what the event
/// loops' threads free in their arenas: after 5,000 streams Gangway's resident memory stayed at
/// about 150 MiB with none open, against about 40 MiB before them. Every `interval` this reads
/// how much the allocator holds free and the resident memory and, when ``HeapTrimPolicy`` says
/// so, trims; both off the event loops (each holds an arena's lock while it walks the arena).
struct HeapTrimmer: Service {
    let interval: Duration
    let policy: HeapTrimPolicy
    let logger: Logger

    init(interval: Duration = .seconds(10), policy: HeapTrimPolicy = HeapTrimPolicy(), logger: Logger) {
        self.interval = interval
        self.policy = policy
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { await checkLoop() }
    }

    private func checkLoop() async {
        var policy = self.policy
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            // Off the loop too: the allocator walks its free lists under each arena's lock.
            let reading = await Self.offLoop { HeapReading.now() }
            logger.trace(
                "heap check", metadata: ["freeMiB": "\(reading.freeBytes >> 20)", "residentMiB": "\(reading.residentBytes >> 20)"])
            guard policy.shouldTrim(freeBytes: reading.freeBytes, residentBytes: reading.residentBytes) else {
                continue
            }
            let trim = await Self.trimOffLoop()
            policy.trimmed(residentBytes: trim.after.residentBytes)
            logger.info(
                "returned freed heap memory to the system",
                metadata: [
                    "residentBeforeMiB": "\(reading.residentBytes >> 20)",
                    "residentAfterMiB": "\(trim.after.residentBytes >> 20)",
                    "microseconds": "\(trim.microseconds)",
                ])
        }
    }

    /// Trims on a Dispatch thread, not on the event loop running this task.
    static func trimOffLoop() async -> (after: HeapReading, microseconds: Int64) {
        await offLoop {
            let start = ContinuousClock.now
            _ = gangway_heap_trim()
            let elapsed = (ContinuousClock.now - start).components
            return (HeapReading.now(), elapsed.seconds * 1_000_000 + elapsed.attoseconds / 1_000_000_000_000)
        }
    }

    /// Runs `work` on a Dispatch thread: what holds the allocator's locks stays off the event
    /// loops, whose threads allocate on every request.
    static func offLoop<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: work()) }
        }
    }
}

/// What the C allocator holds free and what the process has resident, in bytes (0 where the
/// platform does not say).
struct HeapReading: Sendable {
    let freeBytes: Int
    let residentBytes: Int

    static func now() -> HeapReading {
        HeapReading(freeBytes: Int(gangway_heap_free_bytes()), residentBytes: Int(gangway_resident_bytes()))
    }
}
