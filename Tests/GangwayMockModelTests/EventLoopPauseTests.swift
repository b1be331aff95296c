@testable import GangwayMockModel
import NIOCore
import NIOPosix
import Testing

/// The pause between streamed tokens: it waits on an event loop's timer and ends at once, with
/// `CancellationError`, when its task is cancelled (before or during the wait).
@Suite struct EventLoopPauseTests {
    @Test func waitsAtLeastTheDuration() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        try await EventLoopPause.sleep(for: .milliseconds(30))
        #expect(clock.now - start >= .milliseconds(30))
    }

    @Test func cancellingDuringThePauseEndsItWithCancellationError() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        let sleeper = Task { try await EventLoopPause.sleep(for: .seconds(600), on: loop) }
        try await Task.sleep(for: .milliseconds(20))
        sleeper.cancel()
        // Were the timer left armed, this would wait ten minutes (and the test time out).
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test func aTaskCancelledBeforeThePauseDoesNotWait() async throws {
        let sleeper = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await EventLoopPause.sleep(for: .seconds(600))
        }
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }
}
