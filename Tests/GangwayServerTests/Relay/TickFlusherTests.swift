import NIOCore
import NIOEmbedded
import Testing

@testable import GangwayServer

@Suite("Flushes held to the end of a busy tick")
struct TickFlusherTests {
    final class Connection: TickFlushed {
        var flushes = 0
        func flushHeldBack() { flushes += 1 }
    }

    @Test("a quiet loop flushes at once; a busy one holds every flush of the tick to its end")
    func policy() {
        let loop = EmbeddedEventLoop()
        let flusher = TickFlushers().on(loop)
        let (a, b, c) = (Connection(), Connection(), Connection())

        // The loop's first tick: nothing was asked before, so the first flush goes out now.
        #expect(flusher.shouldFlushNow(a))
        #expect(!flusher.shouldFlushNow(b))
        #expect(b.flushes == 0)
        loop.run()  // the tick ends
        #expect(a.flushes == 0 && b.flushes == 1)

        // The tick before asked twice: this tick holds all its flushes, the first one too.
        #expect(!flusher.shouldFlushNow(a))
        #expect(!flusher.shouldFlushNow(c))
        #expect(a.flushes == 0 && c.flushes == 0)
        loop.run()
        #expect(a.flushes == 1 && c.flushes == 1)

        // Still busy (two asks): held once more; that tick asked once, so the next is quiet.
        #expect(!flusher.shouldFlushNow(a))
        loop.run()
        #expect(a.flushes == 2)
        #expect(flusher.shouldFlushNow(a))
        loop.run()
        #expect(a.flushes == 2)
        // A tick that asked nothing leaves the loop quiet.
        loop.run()
        #expect(flusher.shouldFlushNow(b))
    }

    @Test("each loop has its own flusher, made once")
    func perLoop() {
        let flushers = TickFlushers()
        let (first, second) = (EmbeddedEventLoop(), EmbeddedEventLoop())
        #expect(flushers.on(first) === flushers.on(first))
        #expect(flushers.on(first) !== flushers.on(second))
    }
}
