import NIOCore
import NIOPosix

// One event-loop thread per CPU the process may use, and Swift concurrency's jobs run on
// those loops: a request's handler, its upstream call and its socket writes then share a
// thread instead of hopping between pools. Must happen on the main thread before any task.
if let cpus = CPUAffinity.allowedCPUCount() {
    NIOSingletons.groupLoopCountSuggestion = cpus
}
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
await Gangway.start()
