import GangwayCore
import Testing

@Suite("SplitMix64")
struct SplitMix64Tests {
    @Test("matches the reference outputs for seed 0")
    func referenceOutputs() {
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    }
}
