import AsyncHTTPClient
import Foundation
import GangwayCore
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one managed copy for as long as the supervisor runs: carries out what its
/// ``CopyLifecycle`` decides, and turns process exits, probes, timers and shutdown into the
/// lifecycle's events.
///
/// While a process runs, its exit, its startup probe, the stop signal and the grace-period timer
/// are child tasks of one task group, so nothing outlives the process it watches. The exit
/// watcher cannot be cancelled: the group ends only once the process is gone, which is what
/// guarantees no copy is left running when the supervisor returns.
struct CopyRunner: Sendable {
    let copy: ManagedCopy
    let index: Int
    let client: HTTPClient
    let logger: Logger
    let table: SupervisorTable
    let backoff: RestartBackoff

    private enum Event: Sendable {
        case exited(ExitStatus)
        case probe(CopyProbe.Outcome)
        case stopRequested
        case cancelled
        case gracePeriodElapsed
    }

    private enum Wait: Sendable {
        case elapsed, stopRequested, cancelled
    }

    private var metadata: Logger.Metadata {
        ["copy": "\(copy.label)", "port": "\(copy.port)", "target": "\(copy.pool.target)"]
    }

    func run() async {
        var lifecycle = CopyLifecycle(backoff: backoff)
        var pending = lifecycle.start()
        while !pending.isEmpty {
            let action = pending.removeFirst()
            switch action {
            case .spawn:
                pending += await runProcess(&lifecycle)
            case .restart(let delay):
                logger.notice("restarting managed copy", metadata: metadata.merging(["delay": "\(delay)"]) { $1 })
                switch await wait(delay) {
                case .elapsed: pending += lifecycle.restartDelayElapsed()
                case .stopRequested: pending += lifecycle.stop()
                case .cancelled: pending += lifecycle.abort()
                }
            case .leaveRotation:
                leaveRotation(stopping: lifecycle.stopRequested)
            case .finish:
                pending = []
            case .enterRotation, .terminate, .kill:
                // Only returned while a process runs, and handled in runProcess.
                break
            }
            table.update(index, lifecycle: lifecycle, pid: nil)
        }
    }

    /// Starts the process and watches it until it has exited; returns the lifecycle's actions
    /// after the exit (a restart, or finish).
    private func runProcess(_ lifecycle: inout CopyLifecycle) async -> [CopyLifecycle.Action] {
        let process: ChildProcess
        do {
            process = try ChildProcess.spawn(
                arguments: copy.arguments,
                environment: copy.processEnvironment(inheriting: ProcessInfo.processInfo.environment),
                workingDirectory: copy.run.workingDirectory)
        } catch {
            logger.error("managed copy could not start", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return lifecycle.spawnFailed()
        }
        OutputForwarder.start(reading: process.standardOutput, label: copy.label, stream: "stdout", logger: logger)
        OutputForwarder.start(reading: process.standardError, label: copy.label, stream: "stderr", logger: logger)
        let started = ContinuousClock.now
        let metadata = self.metadata.merging(["pid": "\(process.pid)"]) { $1 }
        logger.info("managed copy started", metadata: metadata)
        table.update(index, lifecycle: lifecycle, pid: process.pid)

        let probe = CopyProbe(client: client, copy: copy)
        let deadline = started + copy.run.startupTimeout
        let grace = copy.run.gracePeriod
        return await withTaskGroup(of: Event.self) { group in
            group.addTask { .exited(await process.waitForExit()) }
            group.addTask { .probe(await probe.untilHealthy(deadline: deadline)) }
            group.addTask {
                do {
                    try await gracefulShutdown()
                    return .stopRequested
                } catch {
                    return .cancelled
                }
            }
            while let event = await group.next() {
                let actions: [CopyLifecycle.Action]
                switch event {
                case .exited(let status):
                    let uptime = ContinuousClock.now - started
                    logger.log(
                        level: lifecycle.stopRequested ? .info : .warning, "managed copy exited",
                        metadata: metadata.merging(["status": "\(status)", "uptime": "\(uptime)"]) { $1 })
                    group.cancelAll()
                    return lifecycle.exited(afterRunningFor: uptime)
                case .probe(.healthy):
                    actions = lifecycle.becameHealthy()
                case .probe(.timedOut):
                    logger.warning(
                        "managed copy did not pass a health check within its startup timeout; restarting it",
                        metadata: metadata.merging(["startup_timeout": "\(copy.run.startupTimeout)"]) { $1 })
                    actions = lifecycle.startupTimedOut()
                case .probe(.cancelled), .cancelled:
                    actions = lifecycle.abort()
                case .stopRequested:
                    actions = lifecycle.stop()
                case .gracePeriodElapsed:
                    actions = lifecycle.gracePeriodElapsed()
                    if actions.contains(.kill) {
                        logger.warning(
                            "managed copy still running after its grace period; sending SIGKILL",
                            metadata: metadata.merging(["grace_period": "\(grace)"]) { $1 })
                    }
                }
                table.update(index, lifecycle: lifecycle, pid: process.pid)
                for action in actions {
                    switch action {
                    case .enterRotation:
                        _ = copy.pool.recordProbe(copy.instance, healthy: true)
                        logger.notice("managed copy is serving", metadata: metadata)
                    case .leaveRotation:
                        leaveRotation(stopping: lifecycle.stopRequested)
                    case .terminate:
                        process.signalGroup(SIGTERM)
                        group.addTask {
                            do {
                                try await Task.sleep(for: grace)
                                return .gracePeriodElapsed
                            } catch {
                                return .cancelled
                            }
                        }
                    case .kill:
                        process.signalGroup(SIGKILL)
                    case .spawn, .restart, .finish:
                        // The lifecycle returns these only once the process has exited.
                        break
                    }
                }
            }
            return []
        }
    }

    /// Takes the copy out of rotation at once rather than waiting for failed probes; a warning
    /// unless Gangway is stopping, when it is expected.
    private func leaveRotation(stopping: Bool) {
        if copy.pool.recordConnectFailure(copy.instance) == .leftRotation {
            logger.log(level: stopping ? .info : .warning, "instance left rotation: managed copy stopped", metadata: metadata)
        }
    }

    /// Sleeps for a restart delay, ending early when Gangway stops.
    private func wait(_ delay: Duration) async -> Wait {
        await withTaskGroup(of: Wait.self) { group in
            group.addTask {
                do {
                    try await Task.sleep(for: delay)
                    return .elapsed
                } catch {
                    return .cancelled
                }
            }
            group.addTask {
                do {
                    try await gracefulShutdown()
                    return .stopRequested
                } catch {
                    return .cancelled
                }
            }
            let first = await group.next() ?? .cancelled
            group.cancelAll()
            return first
        }
    }
}
