// gangway-loadgen: the load and stream client of Gangway's benchmark (Benchmarks/run), for
// what wrk cannot measure. It prints one JSON object on standard output.
//
//   gangway-loadgen latency --target NAME=URL ... --seconds S [--warmup S]
//       one request in flight, cycling through the targets; list the direct path first
//   gangway-loadgen rate --target URL --rate R --connections C --seconds S
//       open-loop load at R requests per second; latency counted from each request's due time
//   gangway-loadgen streams --target URL --concurrency N --seconds S [--ramp S] [--once] [--stall-ms MS]
//       concurrent SSE streams: time to first event, gaps between events, stalls
//
// Common: --body FILE (POST it as JSON; GET without), --header 'Name: value' (repeatable; before any
// --target it applies to all, after one to that target only).
// Only loopback targets are accepted.
import Foundation
import NIOCore
import NIOPosix

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    let options = try LoadGenOptions(arguments)
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let loop = group.next()
    let done = loop.makePromise(of: JSONValue.self)
    try await loop.submit {
        switch options.mode {
        case .latency:
            LatencyRun(
                targets: options.targets, seconds: options.seconds, warmupSeconds: options.warmup, loop: loop, done: done
            ).start()
        case .rate:
            RateRun(
                target: options.targets[0], rate: options.rate, connections: options.connections,
                seconds: options.seconds, loop: loop, done: done
            ).start()
        case .streams:
            StreamRun(
                target: options.targets[0],
                options: .init(
                    concurrency: options.concurrency, seconds: options.seconds, rampSeconds: options.ramp,
                    once: options.once, stallNanoseconds: UInt64(options.stallMilliseconds * 1e6)),
                loop: loop, done: done
            ).start()
        }
    }.get()
    let report = try await done.futureResult.get()
    print(report.text)
    try await group.shutdownGracefully()
} catch {
    FileHandle.standardError.write(Data("gangway-loadgen: \(error)\n".utf8))
    exit(2)
}
