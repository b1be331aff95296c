import NIOCore
import NIOPosix
import Synchronization

/// Waits on an event loop's timer instead of `Task.sleep`.
///
/// `Task.sleep` arms a Dispatch timer (a write to Dispatch's timer thread) and wakes the task on
/// a Dispatch worker, which then hands its socket write to the event loop: several thread
/// switches for every streamed token, which held a mock upstream on one core to about 2,000
/// streams at a 50 ms pace. On the event loop, with NIO as Swift concurrency's executor (as in
/// `gangway mock-model`), the timer, the wake-up and the write that follows share one thread.
///
/// Cancelling the waiting task ends the pause at once with `CancellationError`, like `Task.sleep`.
enum EventLoopPause {
    static func sleep(for duration: Duration, on loop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any())
        async throws
    {
        let delay = TimeAmount(duration)
        let timer = Mutex<TimerState>(.notArmed)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let scheduled = loop.scheduleTask(in: delay) {}
                scheduled.futureResult.whenComplete { result in
                    switch result {
                    case .success: continuation.resume()
                    case .failure: continuation.resume(throwing: CancellationError())
                    }
                }
                // The cancellation handler may have run before the timer existed.
                let cancelledEarlier = timer.withLock { state in
                    if case .cancelled = state { return true }
                    state = .armed(scheduled)
                    return false
                }
                if cancelledEarlier { scheduled.cancel() }
            }
        } onCancel: {
            let armed = timer.withLock { state -> Scheduled<Void>? in
                defer { state = .cancelled }
                if case .armed(let scheduled) = state { return scheduled }
                return nil
            }
            armed?.cancel()
        }
    }

    private enum TimerState: Sendable {
        case notArmed
        case armed(Scheduled<Void>)
        case cancelled
    }
}
