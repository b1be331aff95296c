import NIOCore
import NIOPosix
import Synchronization

/// Ends a relay that goes quiet for longer than its idle timeout or runs past its deadline.
///
/// A timer on an event loop rather than a task: it costs no task per response, and it re-arms
/// itself for the time that is left instead of being reset on every chunk.
final class RelayWatchdog: Sendable {
    private let handoff: ChunkHandoff
    private let activity: ActivityClock
    private let idleTimeout: Duration
    private let deadline: ContinuousClock.Instant
    private let eventLoop: any EventLoop
    private let scheduled = Mutex<(task: Scheduled<Void>?, stopped: Bool)>((nil, false))

    init(
        handoff: ChunkHandoff, activity: ActivityClock, idleTimeout: Duration, deadline: ContinuousClock.Instant,
        eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()
    ) {
        self.handoff = handoff
        self.activity = activity
        self.idleTimeout = idleTimeout
        self.deadline = deadline
        self.eventLoop = eventLoop
    }

    func start() {
        arm()
    }

    func stop() {
        let task = scheduled.withLock { state -> Scheduled<Void>? in
            state.stopped = true
            return state.task
        }
        task?.cancel()
    }

    private func arm() {
        let wakeAt = min(activity.last + idleTimeout, deadline)
        let delay = max(.zero, wakeAt - ContinuousClock.now)
        let task = eventLoop.scheduleTask(in: .nanoseconds(delay.nanoseconds)) { [self] in check() }
        let keep = scheduled.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.task = task
            return true
        }
        if !keep { task.cancel() }
    }

    private func check() {
        let now = ContinuousClock.now
        if now >= deadline {
            handoff.finish(RelayFailure.totalTimeout)
        } else if now >= activity.last + idleTimeout {
            handoff.finish(RelayFailure.idleTimeout)
        } else {
            arm()
        }
    }
}
