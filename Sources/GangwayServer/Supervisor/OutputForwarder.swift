import Foundation
import GangwayCore
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Copies one output pipe of a managed copy into Gangway's log, a line per entry, each
/// prefixed with the copy's label (`[summarizer#0] loading model...`).
///
/// Reads block, so each pipe gets a thread of its own rather than a concurrency-pool thread;
/// the thread ends, and closes the pipe, when every process holding its write end has exited
/// (the supervisor kills a copy's whole process group when the copy's main process exits).
enum OutputForwarder {
    static func start(reading descriptor: Int32, label: String, stream: String, logger: Logger) {
        let thread = Thread {
            var lines = OutputLines()
            var buffer = [UInt8](repeating: 0, count: 8192)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                for line in lines.append(buffer[0..<count]) { log(line, label: label, logger: logger) }
            }
            if let last = lines.finish() { log(last, label: label, logger: logger) }
            close(descriptor)
        }
        thread.name = "gangway-output-\(label)-\(stream)"
        thread.start()
    }

    /// Standard output and error both log at `info`: model servers write ordinary progress to stderr.
    private static func log(_ line: String, label: String, logger: Logger) {
        guard !line.allSatisfy(\.isWhitespace) else { return }
        logger.info("[\(label)] \(line)")
    }
}
