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

    /// One check's decision (a mutating call cannot sit inside `#expect`).
    static func decide(_ policy: inout HeapTrimPolicy, freeBytes: Int, residentBytes: Int) -> Bool {
        policy.shouldTrim(freeBytes: freeBytes, residentBytes: residentBytes)
    }

    @Test("trims once a burst's memory has stayed free and resident for two checks")
    func trimsAfterSettling() {
        var policy = HeapTrimPolicy(thresholdBytes: 32 * Self.mib, settledChecks: 2, checksBetweenTrims: 6)
        #expect(!Self.decide(&policy, freeBytes: 1 * Self.mib, residentBytes: 40 * Self.mib))
        #expect(!Self.decide(&policy, freeBytes: 100 * Self.mib, residentBytes: 150 * Self.mib))
        #expect(Self.decide(&policy, freeBytes: 100 * Self.mib, residentBytes: 150 * Self.mib))
    }

    @Test("a first check in the middle of a burst does not keep that burst's memory from being trimmed")
    func firstCheckDuringBurst() {
        var policy = HeapTrimPolicy(thresholdBytes: 32 * Self.mib, settledChecks: 2, checksBetweenTrims: 6)
        #expect(!Self.decide(&policy, freeBytes: 0, residentBytes: 137 * Self.mib))
        #expect(!Self.decide(&policy, freeBytes: 104 * Self.mib, residentBytes: 147 * Self.mib))
        #expect(Self.decide(&policy, freeBytes: 104 * Self.mib, residentBytes: 147 * Self.mib))
    }

    @Test("a reading below the threshold in between starts the count again")
    func dipRestartsCount() {
        var policy = HeapTrimPolicy(thresholdBytes: 32 * Self.mib, settledChecks: 2, checksBetweenTrims: 0)
        _ = policy.shouldTrim(freeBytes: 1 * Self.mib, residentBytes: 40 * Self.mib)
        #expect(!Self.decide(&policy, freeBytes: 100 * Self.mib, residentBytes: 150 * Self.mib))
        #expect(!Self.decide(&policy, freeBytes: 10 * Self.mib, residentBytes: 150 * Self.mib))
        #expect(!Self.decide(&policy, freeBytes: 100 * Self.mib, residentBytes: 150 * Self.mib))
        #expect(Self.decide(&policy, freeBytes: 100 * Self.mib, residentBytes: 150 * Self.mib))
    }

    @Test("memory in use is not trimmed: free memory must be high, not only resident memory")
    func inUseIsNotTrimmed() {
        var policy = HeapTrimPolicy(thresholdBytes: 32 * Self.mib, settledChecks: 2, checksBetweenTrims: 0)
        _ = policy.shouldTrim(freeBytes: 1 * Self.mib, residentBytes: 40 * Self.mib)
        for _ in 0..<10 {
            #expect(!Self.decide(&policy, freeBytes: 5 * Self.mib, residentBytes: 500 * Self.mib))
        }
    }

    @Test("after a trim, memory the allocator still counts free is not trimmed again until resident memory grows")
    func trimmedMemoryIsNotTrimmedAgain() {
        var policy = HeapTrimPolicy(thresholdBytes: 32 * Self.mib, settledChecks: 2, checksBetweenTrims: 0)
        _ = policy.shouldTrim(freeBytes: 1 * Self.mib, residentBytes: 40 * Self.mib)
        _ = policy.shouldTrim(freeBytes: 100 * Self.mib, residentBytes: 150 * Self.mib)
        #expect(Self.decide(&policy, freeBytes: 100 * Self.mib, residentBytes: 150 * Self.mib))
        policy.trimmed(residentBytes: 45 * Self.mib)
        for _ in 0..<10 {
            #expect(!Self.decide(&policy, freeBytes: 100 * Self.mib, residentBytes: 46 * Self.mib))
        }
        // A new burst: resident memory grows again and is left free.
        #expect(!Self.decide(&policy, freeBytes: 100 * Self.mib, residentBytes: 140 * Self.mib))
        #expect(Self.decide(&policy, freeBytes: 100 * Self.mib, residentBytes: 140 * Self.mib))
    }

    @Test("no more than one trim per interval of checks")
    func spacedTrims() {
        var policy = HeapTrimPolicy(thresholdBytes: 32 * Self.mib, settledChecks: 1, checksBetweenTrims: 3)
        _ = policy.shouldTrim(freeBytes: 1 * Self.mib, residentBytes: 40 * Self.mib)
        #expect(Self.decide(&policy, freeBytes: 100 * Self.mib, residentBytes: 150 * Self.mib))
        policy.trimmed(residentBytes: 20 * Self.mib)
        #expect(!Self.decide(&policy, freeBytes: 100 * Self.mib, residentBytes: 150 * Self.mib))
        #expect(!Self.decide(&policy, freeBytes: 100 * Self.mib, residentBytes: 150 * Self.mib))
        #expect(Self.decide(&policy, freeBytes: 100 * Self.mib, residentBytes: 150 * Self.mib))
    }

    @Test("readings a platform cannot give never trim")
    func unavailableReadings() {
        var policy = HeapTrimPolicy(thresholdBytes: 32 * Self.mib, settledChecks: 1, checksBetweenTrims: 0)
        for _ in 0..<3 {
            #expect(!Self.decide(&policy, freeBytes: 0, residentBytes: 150 * Self.mib))
            #expect(!Self.decide(&policy, freeBytes: 100 * Self.mib, residentBytes: 0))
        }
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
