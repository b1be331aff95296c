import Foundation
import NIOCore
import NIOPosix

// One event-loop thread per CPU the process may use, and Swift concurrency's jobs run on
// those loops: a request's handler, its upstream call and its socket writes then share a
// thread instead of hopping between pools. Must happen on the main thread before any task.
if let cpus = CPUAffinity.allowedCPUCount() {
    NIOSingletons.groupLoopCountSuggestion = cpus
}
let tookOver = EventLoopTakeover.install()
if !(await EventLoopTakeover.tasksRunOnEventLoops()) {
    let why = tookOver ? "" : "; the runtime's enqueue hook was taken or missing"
    FileHandle.standardError.write(
        Data("warning: Swift concurrency runs on Dispatch's threads, not the event loops (slower\(why))\n".utf8))
}
await Gangway.start()
