import Foundation
import NIOCore
import NIOPosix

// One event-loop thread per CPU the process may use, and Swift concurrency's jobs run on
// those loops: a request's handler, its upstream call and its socket writes then share a
// thread instead of hopping between pools. Must happen on the main thread before any task.
if let cpus = CPUAffinity.allowedCPUCount() {
    NIOSingletons.groupLoopCountSuggestion = cpus
}
if !NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() {
    // NIO finds the runtime's hook with dlsym: a binary with the Swift runtime linked in
    // statically (--static-swift-stdlib) does not export it, and the takeover fails silently.
    FileHandle.standardError.write(
        Data("warning: Swift concurrency runs on Dispatch's threads, not the event loops (slower)\n".utf8))
}
await Gangway.start()
