import CGangwayExecutorHook
import NIOCore
import NIOPosix

/// Runs Swift concurrency's jobs on NIO's singleton event loops instead of Dispatch's threads:
/// a request's handler, its upstream call and its socket writes then share a thread.
///
/// NIO offers this itself (`unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`),
/// but it finds the runtime's hook with `dlsym`, which fails in a binary with the Swift runtime
/// linked in statically: the release build links it in (direct calls into the runtime instead
/// of jumps through the dynamic linker's tables, measurably faster per request). The hook is
/// installed here through a C shim the linker resolves, in either kind of build; what the hook
/// does is what NIO's does.
enum EventLoopTakeover {
    private typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Installs the hook. Call once, from the main thread, before any task starts.
    static func install() -> Bool {
        let hook: EnqueueGlobalHook = { job, _ in
            // `any()` prefers the loop the caller is on: a task started on a loop stays there.
            let loop = MultiThreadedEventLoopGroup.singleton.any()
            (loop as! any NIOSerialEventLoopExecutor).enqueue(ExecutorJob(job))
        }
        return gangway_install_enqueue_global_hook(unsafeBitCast(hook, to: UnsafeMutableRawPointer.self)) == 1
    }

    /// Whether a new task actually runs on an event loop (the check behind the start-up warning).
    static func tasksRunOnEventLoops() async -> Bool {
        await Task.detached { MultiThreadedEventLoopGroup.currentEventLoop != nil }.value
    }
}
