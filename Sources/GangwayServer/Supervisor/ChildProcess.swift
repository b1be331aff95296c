import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A model server process started by the supervisor, leader of its own process group so that
/// signals reach whatever it starts (worker processes, shell children) too.
///
/// The pid is never signalled after it has been reaped: a reaped pid may already belong to
/// an unrelated process. `reaped` is checked and set under one lock for that reason.
final class ChildProcess: Sendable {
    let pid: pid_t
    /// Read ends of the pipes on the child's standard output and error.
    let standardOutput: Int32
    let standardError: Int32
    private let reaped = Mutex(false)

    init(pid: pid_t, standardOutput: Int32, standardError: Int32) {
        self.pid = pid
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// Sends a signal to the whole process group; a no-op once the process has been reaped.
    func signalGroup(_ signal: Int32) {
        reaped.withLock { reaped in
            guard !reaped else { return }
            _ = kill(-pid, signal)
        }
    }

    /// Waits until the process exits, kills anything left in its process group (a server's
    /// workers would otherwise keep the port and the output pipes), then reaps it.
    /// Call once. The blocking waits run on a thread of their own, not on the concurrency pool.
    func waitForExit() async -> ExitStatus {
        await withCheckedContinuation { continuation in
            let thread = Thread { [self] in
                continuation.resume(returning: blockingWait())
            }
            thread.name = "gangway-wait-\(pid)"
            thread.start()
        }
    }

    private func blockingWait() -> ExitStatus {
        // WNOWAIT leaves the process a zombie, so its pid and group id stay reserved while the
        // rest of the group is killed; the final waitpid then returns at once.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1, errno == EINTR {}
        return reaped.withLock { reaped in
            _ = kill(-pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1, errno == EINTR {}
            reaped = true
            return ExitStatus(waitStatus: status)
        }
    }
}
