/// When to give the C allocator's free memory back to the system, from one pair of readings per
/// check: the bytes it holds free, and the process's resident memory.
///
/// It trims once the free memory has stayed at or above `thresholdBytes` for `settledChecks`
/// checks in a row: a burst has ended and left its memory behind, rather than memory churning in
/// the middle of one. After a trim the allocator counts what it gave back as free still, so from
/// then on resident memory must also have grown by `thresholdBytes` above its lowest reading
/// since that trim; free memory alone would ask for a trim at every check. At most one trim
/// every `checksBetweenTrims` checks (what a trim gave back comes back as page faults when a new
/// burst needs it).
struct HeapTrimPolicy: Sendable {
    let thresholdBytes: Int
    let settledChecks: Int
    let checksBetweenTrims: Int

    private var residentBaseline: Int?
    private var checksAtThreshold = 0
    private var checksSinceTrim: Int

    init(thresholdBytes: Int = 32 << 20, settledChecks: Int = 2, checksBetweenTrims: Int = 6) {
        self.thresholdBytes = thresholdBytes
        self.settledChecks = settledChecks
        self.checksBetweenTrims = checksBetweenTrims
        checksSinceTrim = checksBetweenTrims
    }

    /// Takes one check's readings; true when this check should trim. A reading of 0 (not
    /// available on this platform) never trims.
    mutating func shouldTrim(freeBytes: Int, residentBytes: Int) -> Bool {
        checksSinceTrim += 1
        guard freeBytes > 0, residentBytes > 0 else { return false }
        var grown = true
        if let baseline = residentBaseline {
            let lowest = min(baseline, residentBytes)
            residentBaseline = lowest
            grown = residentBytes - lowest >= thresholdBytes
        }
        checksAtThreshold = freeBytes >= thresholdBytes && grown ? checksAtThreshold + 1 : 0
        return checksAtThreshold >= settledChecks && checksSinceTrim >= checksBetweenTrims
    }

    /// After a trim: resident memory's growth is measured from here on.
    mutating func trimmed(residentBytes: Int) {
        residentBaseline = residentBytes > 0 ? residentBytes : residentBaseline
        checksAtThreshold = 0
        checksSinceTrim = 0
    }
}
