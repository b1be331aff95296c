import GangwayCore
import Testing

@Suite("Managed copy lifecycle")
struct CopyLifecycleTests {
    enum Event: Sendable {
        case start, spawnFailed, healthy, startupTimedOut, exited(seconds: Int), restartDelayElapsed, stop, abort, graceElapsed

        func apply(to lifecycle: inout CopyLifecycle) -> [CopyLifecycle.Action] {
            switch self {
            case .start: lifecycle.start()
            case .spawnFailed: lifecycle.spawnFailed()
            case .healthy: lifecycle.becameHealthy()
            case .startupTimedOut: lifecycle.startupTimedOut()
            case .exited(let seconds): lifecycle.exited(afterRunningFor: .seconds(seconds))
            case .restartDelayElapsed: lifecycle.restartDelayElapsed()
            case .stop: lifecycle.stop()
            case .abort: lifecycle.abort()
            case .graceElapsed: lifecycle.gracePeriodElapsed()
            }
        }
    }

    struct Step: Sendable {
        let event: Event
        let actions: [CopyLifecycle.Action]
        let state: CopyLifecycle.State

        init(_ event: Event, _ actions: [CopyLifecycle.Action], _ state: CopyLifecycle.State) {
            self.event = event
            self.actions = actions
            self.state = state
        }
    }

    struct Story: Sendable, CustomStringConvertible {
        let name: String
        let steps: [Step]
        let restarts: Int
        var description: String { name }
    }

    static let terminating = CopyLifecycle.State.stopping(restartAfterExit: false, killed: false)
    static let killing = CopyLifecycle.State.stopping(restartAfterExit: false, killed: true)

    static let stories: [Story] = [
        Story(
            name: "start, pass the health check, stop gracefully",
            steps: [
                Step(.start, [.spawn], .starting),
                Step(.healthy, [.enterRotation], .serving),
                Step(.stop, [.leaveRotation, .terminate], terminating),
                Step(.exited(seconds: 30), [.finish], .stopped),
            ],
            restarts: 0),
        Step.crashStory,
        Story(
            name: "crashes before its first health check: restart, never in rotation",
            steps: [
                Step(.start, [.spawn], .starting),
                Step(.exited(seconds: 2), [.restart(after: .seconds(1))], .waitingToRestart),
                Step(.restartDelayElapsed, [.spawn], .starting),
                Step(.exited(seconds: 2), [.restart(after: .seconds(2))], .waitingToRestart),
            ],
            restarts: 1),
        Story(
            name: "the program cannot be started: back off and try again",
            steps: [
                Step(.start, [.spawn], .starting),
                Step(.spawnFailed, [.restart(after: .seconds(1))], .waitingToRestart),
                Step(.restartDelayElapsed, [.spawn], .starting),
                Step(.spawnFailed, [.restart(after: .seconds(2))], .waitingToRestart),
                Step(.stop, [.finish], .stopped),
            ],
            restarts: 1),
        Story(
            name: "startup timeout: SIGTERM, SIGKILL after the grace period, then a restart",
            steps: [
                Step(.start, [.spawn], .starting),
                Step(.startupTimedOut, [.terminate], .stopping(restartAfterExit: true, killed: false)),
                Step(.graceElapsed, [.kill], .stopping(restartAfterExit: true, killed: true)),
                Step(.exited(seconds: 600), [.restart(after: .seconds(1))], .waitingToRestart),
                Step(.restartDelayElapsed, [.spawn], .starting),
            ],
            restarts: 1),
        Story(
            name: "stop during a failed start's termination: no restart",
            steps: [
                Step(.start, [.spawn], .starting),
                Step(.startupTimedOut, [.terminate], .stopping(restartAfterExit: true, killed: false)),
                Step(.stop, [], terminating),
                Step(.exited(seconds: 600), [.finish], .stopped),
            ],
            restarts: 0),
        Story(
            name: "a copy that ignores SIGTERM is killed after the grace period",
            steps: [
                Step(.start, [.spawn], .starting),
                Step(.healthy, [.enterRotation], .serving),
                Step(.stop, [.leaveRotation, .terminate], terminating),
                Step(.graceElapsed, [.kill], killing),
                Step(.graceElapsed, [], killing),
                Step(.exited(seconds: 40), [.finish], .stopped),
            ],
            restarts: 0),
        Story(
            name: "stop while waiting to restart ends at once",
            steps: [
                Step(.start, [.spawn], .starting),
                Step(.healthy, [.enterRotation], .serving),
                Step(.exited(seconds: 5), [.leaveRotation, .restart(after: .seconds(1))], .waitingToRestart),
                Step(.stop, [.finish], .stopped),
                Step(.restartDelayElapsed, [], .stopped),
                Step(.start, [], .stopped),
            ],
            restarts: 0),
        Story(
            name: "cancellation kills at once, and escalates a graceful stop",
            steps: [
                Step(.start, [.spawn], .starting),
                Step(.healthy, [.enterRotation], .serving),
                Step(.stop, [.leaveRotation, .terminate], terminating),
                Step(.abort, [.kill], killing),
                Step(.abort, [], killing),
                Step(.exited(seconds: 1), [.finish], .stopped),
            ],
            restarts: 0),
        Story(
            name: "cancellation of a serving copy",
            steps: [
                Step(.start, [.spawn], .starting),
                Step(.healthy, [.enterRotation], .serving),
                Step(.abort, [.leaveRotation, .kill], killing),
                Step(.graceElapsed, [], killing),
                Step(.exited(seconds: 1), [.finish], .stopped),
            ],
            restarts: 0),
        Story(
            name: "stale events change nothing",
            steps: [
                Step(.healthy, [], .idle),
                Step(.exited(seconds: 1), [], .idle),
                Step(.start, [.spawn], .starting),
                Step(.start, [], .starting),
                Step(.graceElapsed, [], .starting),
                Step(.restartDelayElapsed, [], .starting),
                Step(.healthy, [.enterRotation], .serving),
                Step(.healthy, [], .serving),
                Step(.startupTimedOut, [], .serving),
                Step(.spawnFailed, [], .serving),
            ],
            restarts: 0),
        Story(
            name: "stopped before it started",
            steps: [Step(.stop, [.finish], .stopped), Step(.start, [], .stopped), Step(.stop, [], .stopped)],
            restarts: 0),
    ]

    @Test("stories", arguments: stories)
    func story(_ story: Story) {
        var lifecycle = CopyLifecycle()
        for (number, step) in story.steps.enumerated() {
            let actions = step.event.apply(to: &lifecycle)
            #expect(actions == step.actions, "step \(number): \(step.event)")
            #expect(lifecycle.state == step.state, "step \(number): \(step.event)")
        }
        #expect(lifecycle.restarts == story.restarts)
    }

    @Test("nothing is spawned or restarted once a stop was requested, whatever comes next")
    func noRestartAfterStop() {
        let followUps: [Event] = [.exited(seconds: 0), .spawnFailed, .restartDelayElapsed, .startupTimedOut, .graceElapsed, .start]
        let prefixes: [[Event]] = [[], [.start], [.start, .healthy], [.start, .exited(seconds: 1)], [.start, .startupTimedOut]]
        for prefix in prefixes {
            var lifecycle = CopyLifecycle()
            for event in prefix { _ = event.apply(to: &lifecycle) }
            _ = lifecycle.stop()
            for event in followUps {
                let actions = event.apply(to: &lifecycle)
                #expect(!actions.contains(.spawn), "after \(prefix) then \(event)")
                #expect(!actions.contains { if case .restart = $0 { true } else { false } }, "after \(prefix) then \(event)")
            }
        }
    }
}

extension CopyLifecycleTests.Step {
    /// The case the issue names: a serving copy killed, restarted after the backoff, serving again.
    static let crashStory = CopyLifecycleTests.Story(
        name: "a serving copy crashes, is restarted with backoff, and serves again",
        steps: [
            .init(.start, [.spawn], .starting),
            .init(.healthy, [.enterRotation], .serving),
            .init(.exited(seconds: 5), [.leaveRotation, .restart(after: .seconds(1))], .waitingToRestart),
            .init(.restartDelayElapsed, [.spawn], .starting),
            .init(.healthy, [.enterRotation], .serving),
            .init(.exited(seconds: 5), [.leaveRotation, .restart(after: .seconds(2))], .waitingToRestart),
            .init(.restartDelayElapsed, [.spawn], .starting),
            .init(.healthy, [.enterRotation], .serving),
            .init(.exited(seconds: 120), [.leaveRotation, .restart(after: .seconds(1))], .waitingToRestart),
        ],
        restarts: 2)
}
