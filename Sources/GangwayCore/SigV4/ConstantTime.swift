/// Comparison whose running time does not depend on where two byte strings first differ.
///
/// Signatures are compared with this so that a forger cannot learn a correct prefix by timing.
/// The length is not secret (a SigV4 signature is always 32 bytes), so unequal lengths return early.
public enum ConstantTime {
    public static func equals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) {
            difference |= left ^ right
        }
        return difference == 0
    }
}
