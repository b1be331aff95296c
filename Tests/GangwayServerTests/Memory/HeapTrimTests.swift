#if canImport(Glibc)
import Glibc
#endif
import Testing

@testable import GangwayServer

/// ``HeapTrimPolicy`` on readings given to it, and ``HeapTrimmer``'s trim on this process's own
/// allocator.
@Suite("Freed heap memory given back")
struct HeapTrimTests {
    static let mib = 1 << 20

    /// The policy's decision at each check, for readings given in MiB as (free, resident).
    static func decisions(_ policy: inout HeapTrimPolicy, _ readings: [(free: Int, resident: Int)]) -> [Bool] {
        readings.map { policy.shouldTrim(freeBytes: $0.free * mib, residentBytes: $0.resident * mib) }
    }

    static func policy(settledChecks: Int = 2, checksBetweenTrims: Int = 0) -> HeapTrimPolicy {
        HeapTrimPolicy(thresholdBytes: 32 * mib, settledChecks: settledChecks, checksBetweenTrims: checksBetweenTrims)
    }

    @Test("trims once a burst's memory has stayed free for two checks")
    func trimsAfterSettling() {
        var policy = Self.policy(checksBetweenTrims: 6)
        #expect(Self.decisions(&policy, [(1, 40), (100, 150), (100, 150)]) == [false, false, true])
    }

    @Test("a first check in the middle of a burst does not keep that burst's memory from being trimmed")
    func firstCheckDuringBurst() {
        var policy = Self.policy(checksBetweenTrims: 6)
        #expect(Self.decisions(&policy, [(0, 137), (104, 147), (104, 147)]) == [false, false, true])
    }

    @Test("a reading below the threshold in between starts the count again")
    func dipRestartsCount() {
        var policy = Self.policy()
        #expect(
            Self.decisions(&policy, [(1, 40), (100, 150), (10, 150), (100, 150), (100, 150)])
                == [false, false, false, false, true])
    }

    @Test("memory in use is not trimmed: free memory must be high, not only resident memory")
    func inUseIsNotTrimmed() {
        var policy = Self.policy()
        let readings = [(free: 1, resident: 40)] + Array(repeating: (free: 5, resident: 500), count: 10)
        #expect(!Self.decisions(&policy, readings).contains(true))
    }

    @Test("after a trim, memory the allocator still counts free is not trimmed again until resident memory grows")
    func trimmedMemoryIsNotTrimmedAgain() {
        var policy = Self.policy()
        #expect(Self.decisions(&policy, [(1, 40), (100, 150), (100, 150)]) == [false, false, true])
        policy.trimmed(residentBytes: 45 * Self.mib)
        let afterTrim = Array(repeating: (free: 100, resident: 46), count: 10)
        #expect(!Self.decisions(&policy, afterTrim).contains(true))
        // A new burst: resident memory grows again and is left free.
        #expect(Self.decisions(&policy, [(100, 140), (100, 140)]) == [false, true])
    }

    @Test("no more than one trim per interval of checks")
    func spacedTrims() {
        var policy = Self.policy(settledChecks: 1, checksBetweenTrims: 3)
        #expect(Self.decisions(&policy, [(1, 40), (100, 150)]) == [false, true])
        policy.trimmed(residentBytes: 20 * Self.mib)
        #expect(Self.decisions(&policy, [(100, 150), (100, 150), (100, 150)]) == [false, false, true])
    }

    @Test("readings a platform cannot give never trim")
    func unavailableReadings() {
        var policy = Self.policy(settledChecks: 1)
        #expect(!Self.decisions(&policy, [(0, 150), (100, 0), (0, 150), (100, 0)]).contains(true))
    }

    #if canImport(Glibc)
    /// 64 MiB in 4 KiB blocks, freed but for one block in 64, which pins the freed pages between
    /// them so that the allocator cannot give them back by shrinking its heap: only a trim can.
    @Test("a trim gives freed, fragmented memory back to the system")
    func trimReturnsMemory() async throws {
        let before = HeapReading.now()
        try #require(before.residentBytes > 0)
        var blocks: [UnsafeMutableRawPointer] = []
        for _ in 0..<(64 * Self.mib / 4096) {
            let block = try #require(malloc(4096))
            memset(block, 0xA5, 4096)  // touched, so resident
            blocks.append(block)
        }
        var pinned: [UnsafeMutableRawPointer] = []
        for (index, block) in blocks.enumerated() {
            if index % 64 == 0 { pinned.append(block) } else { free(block) }
        }
        blocks.removeAll()
        defer { pinned.forEach { free($0) } }
        let freed = HeapReading.now()
        #expect(freed.freeBytes >= 50 * Self.mib)
        let trim = await HeapTrimmer.trimOffLoop()
        let returned = freed.residentBytes - trim.after.residentBytes
        #expect(returned >= 30 * Self.mib, "resident \(freed.residentBytes >> 20) MiB -> \(trim.after.residentBytes >> 20) MiB")
    }
    #endif
}
