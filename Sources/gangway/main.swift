import NIOCore
import NIOPosix

// Swift concurrency's jobs run on NIO's event loops, so a request's handler, its upstream
// call and its socket writes share threads instead of hopping between two pools on every
// chunk. Must happen on the main thread before any task starts.
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
await Gangway.start()
