/// The life of one managed copy of a model server, as a value: each event (the process
/// exited, a health check passed, a timer fired, Gangway is stopping) returns the actions the
/// supervisor must take. The supervisor owns processes, timers and the instance pool; this
/// type owns every decision, so the rules are tested without a process.
///
/// Invariants: a copy is in rotation only between `.enterRotation` and `.leaveRotation`; after a
/// stop request no `.spawn` or `.restart` is ever returned; `.finish` is returned once, and only
/// when no process of the copy is running.
public struct CopyLifecycle: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// Not started yet.
        case idle
        /// The process runs; its first health check has not passed yet.
        case starting
        /// The process runs and passed its health check: the copy is in rotation.
        case serving
        /// The process exited (or never started); a restart is scheduled.
        case waitingToRestart
        /// SIGTERM was sent (SIGKILL too when `killed`); waiting for the process to exit.
        case stopping(restartAfterExit: Bool, killed: Bool)
        /// Final: no process, no restart.
        case stopped
    }

    public enum Action: Sendable, Equatable {
        /// Start the process; report `spawnFailed()` if that fails.
        case spawn
        /// Route to the copy (it passed its health check).
        case enterRotation
        /// Stop routing to the copy.
        case leaveRotation
        /// Send SIGTERM to the copy's process group and report `gracePeriodElapsed()` after the
        /// grace period unless it exits first.
        case terminate
        /// Send SIGKILL to the copy's process group.
        case kill
        /// Wait, then report `restartDelayElapsed()` (or `stop()` if Gangway is stopping by then).
        case restart(after: Duration)
        /// Nothing is left to do for this copy.
        case finish
    }

    public private(set) var state: State = .idle
    /// Processes started after the first one.
    public private(set) var restarts = 0
    public private(set) var stopRequested = false
    private var backoff: RestartBackoff

    public init(backoff: RestartBackoff = RestartBackoff()) {
        self.backoff = backoff
    }

    /// The supervisor is starting: start the first process.
    public mutating func start() -> [Action] {
        guard state == .idle else { return [] }
        if stopRequested {
            state = .stopped
            return [.finish]
        }
        state = .starting
        return [.spawn]
    }

    /// The process could not be started at all (no such program, bad working directory).
    public mutating func spawnFailed() -> [Action] {
        guard state == .starting else { return [] }
        return scheduleRestart(afterRunningFor: .zero)
    }

    /// The copy answered its health check for the first time since it started.
    public mutating func becameHealthy() -> [Action] {
        guard state == .starting else { return [] }
        state = .serving
        return [.enterRotation]
    }

    /// The copy did not pass a health check within the startup timeout: stop it and try again.
    public mutating func startupTimedOut() -> [Action] {
        guard state == .starting else { return [] }
        state = .stopping(restartAfterExit: true, killed: false)
        return [.terminate]
    }

    /// The process exited, after running for `uptime`.
    public mutating func exited(afterRunningFor uptime: Duration) -> [Action] {
        switch state {
        case .serving:
            return [.leaveRotation] + scheduleRestart(afterRunningFor: uptime)
        case .starting:
            return scheduleRestart(afterRunningFor: uptime)
        case .stopping(let restartAfterExit, _):
            if restartAfterExit && !stopRequested { return scheduleRestart(afterRunningFor: uptime) }
            state = .stopped
            return [.finish]
        case .idle, .waitingToRestart, .stopped:
            return []
        }
    }

    public mutating func restartDelayElapsed() -> [Action] {
        guard state == .waitingToRestart else { return [] }
        if stopRequested {
            state = .stopped
            return [.finish]
        }
        restarts += 1
        state = .starting
        return [.spawn]
    }

    /// Graceful stop (Gangway shutting down, or scale-down): out of rotation, SIGTERM, and
    /// SIGKILL after the grace period.
    public mutating func stop() -> [Action] {
        stopRequested = true
        switch state {
        case .idle, .waitingToRestart:
            state = .stopped
            return [.finish]
        case .starting:
            state = .stopping(restartAfterExit: false, killed: false)
            return [.terminate]
        case .serving:
            state = .stopping(restartAfterExit: false, killed: false)
            return [.leaveRotation, .terminate]
        case .stopping(_, let killed):
            // Already terminating after a failed start: let that finish, but do not restart.
            state = .stopping(restartAfterExit: false, killed: killed)
            return []
        case .stopped:
            return []
        }
    }

    /// Immediate stop (the supervisor's task was cancelled): SIGKILL now, no grace period.
    public mutating func abort() -> [Action] {
        stopRequested = true
        switch state {
        case .idle, .waitingToRestart:
            state = .stopped
            return [.finish]
        case .starting:
            state = .stopping(restartAfterExit: false, killed: true)
            return [.kill]
        case .serving:
            state = .stopping(restartAfterExit: false, killed: true)
            return [.leaveRotation, .kill]
        case .stopping(_, let killed):
            state = .stopping(restartAfterExit: false, killed: true)
            return killed ? [] : [.kill]
        case .stopped:
            return []
        }
    }

    /// The grace period after SIGTERM is over and the process still runs.
    public mutating func gracePeriodElapsed() -> [Action] {
        guard case .stopping(let restartAfterExit, false) = state else { return [] }
        state = .stopping(restartAfterExit: restartAfterExit, killed: true)
        return [.kill]
    }

    private mutating func scheduleRestart(afterRunningFor uptime: Duration) -> [Action] {
        if stopRequested {
            state = .stopped
            return [.finish]
        }
        state = .waitingToRestart
        return [.restart(after: backoff.nextDelay(afterRunningFor: uptime))]
    }
}
