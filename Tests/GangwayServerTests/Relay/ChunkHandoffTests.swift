@testable import GangwayServer
import NIOCore
import Testing

@Suite("Chunk handoff")
struct ChunkHandoffTests {
    static func chunk(_ number: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(number))
        return buffer
    }

    @Test("chunks arrive complete and in order, whoever runs ahead", arguments: [1, 2, 16])
    func order(capacity: Int) async throws {
        // The race this guards against (a chunk buffered behind a waiting consumer, then
        // overtaken) needs an unlucky interleaving, so the run is repeated.
        for _ in 0..<10 {
            try await checkOrder(capacity: capacity)
        }
    }

    func checkOrder(capacity: Int) async throws {
        let handoff = ChunkHandoff(capacity: capacity)
        let count = 20_000
        async let produced: Void = {
            for number in 0..<count {
                guard await handoff.send(Self.chunk(number)) else { return }
                // Vary the pace so both sides take turns at being the one that waits.
                if number % 7 == 0 { await Task.yield() }
            }
            handoff.finish()
        }()
        var expected = 0
        while var chunk = try await handoff.next() {
            #expect(chunk.readInteger(as: UInt32.self) == UInt32(expected))
            expected += 1
            if expected % 5 == 0 { await Task.yield() }
        }
        await produced
        #expect(expected == count)
    }

    @Test("an error ends the relay after what was buffered; a cancelled consumer releases the producer")
    func endings() async throws {
        struct Boom: Error {}
        let handoff = ChunkHandoff(capacity: 4)
        #expect(await handoff.send(Self.chunk(1)))
        handoff.finish(Boom())
        #expect(await handoff.send(Self.chunk(2)) == false)
        var first = try await handoff.next()
        #expect(first?.readInteger(as: UInt32.self) == 1)
        await #expect(throws: Boom.self) { try await handoff.next() }

        let blocked = ChunkHandoff(capacity: 1)
        #expect(await blocked.send(Self.chunk(1)))
        async let parked = blocked.send(Self.chunk(2))
        try await Task.sleep(for: .milliseconds(20))
        blocked.cancel(Boom())
        #expect(await parked == false)
    }
}
