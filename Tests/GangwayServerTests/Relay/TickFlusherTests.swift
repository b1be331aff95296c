import NIOCore
import NIOEmbedded
import Testing

@testable import GangwayServer

@Suite("Flushes held to the end of a busy tick")
struct TickFlusherTests {
    final class Connection: TickFlushed {
        var flushHeld = false
        var flushes = 0
        func flushNow() { flushes += 1 }
    }

    @Test("a quiet loop flushes at once; a busy one holds every flush of the tick to its end, once each")
    func policy() {
        let loop = EmbeddedEventLoop()
        let flusher = TickFlusher(loop: loop)
        let (a, b, c) = (Connection(), Connection(), Connection())

        // The loop's first tick: nothing was asked before, so the first flush goes out now.
        flusher.flush(a)
        #expect(a.flushes == 1)
        flusher.flush(b)
        flusher.flush(b)  // already held: one flush at the end covers both
        #expect(b.flushes == 0 && b.flushHeld)
        loop.run()  // the tick ends
        #expect(a.flushes == 1 && b.flushes == 1 && !b.flushHeld)

        // The tick before asked twice: this tick holds all its flushes, the first one too.
        flusher.flush(a)
        flusher.flush(c)
        #expect(a.flushes == 1 && c.flushes == 0)
        loop.run()
        #expect(a.flushes == 2 && c.flushes == 1)

        // Still busy (two asks): held once more; that tick asked once, so the next is quiet.
        flusher.flush(a)
        #expect(a.flushes == 2)
        loop.run()
        #expect(a.flushes == 3)
        flusher.flush(a)
        #expect(a.flushes == 4)
        loop.run()
        // A tick that asked nothing leaves the loop quiet.
        loop.run()
        flusher.flush(b)
        #expect(b.flushes == 2)
    }

    @Test("each loop has its own flusher, made once")
    func perLoop() {
        let flushers = PerLoop { TickFlusher(loop: $0) }
        let (first, second) = (EmbeddedEventLoop(), EmbeddedEventLoop())
        #expect(flushers.on(first) === flushers.on(first))
        #expect(flushers.on(first) !== flushers.on(second))
    }
}
