import NIOCore
import Synchronization

/// Counters a test can read in-process while the mock runs; also served as JSON at
/// `GET /mock/stats`. One lock guards them all so a snapshot is consistent.
public final class MockModelStats: Sendable {
    /// A consistent copy of every counter.
    public struct Snapshot: Sendable, Equatable {
        /// Requests to the model API (`/v1/...`), errors included.
        public var requests = 0
        /// Streams being written right now.
        public var activeStreams = 0
        /// Streams that ended with `data: [DONE]` written and the response finished.
        public var completedStreams = 0
        /// Streams cut short because the client went away (or the write failed).
        public var abortedStreams = 0

        public init(requests: Int = 0, activeStreams: Int = 0, completedStreams: Int = 0, abortedStreams: Int = 0) {
            self.requests = requests
            self.activeStreams = activeStreams
            self.completedStreams = completedStreams
            self.abortedStreams = abortedStreams
        }
    }

    private struct State {
        var counters = Snapshot()
        var lastRequestBody: ByteBuffer?
    }

    private let state = Mutex(State())

    public init() {}

    public var snapshot: Snapshot { self.state.withLock { $0.counters } }
    public var requests: Int { self.snapshot.requests }
    public var activeStreams: Int { self.snapshot.activeStreams }
    public var completedStreams: Int { self.snapshot.completedStreams }
    public var abortedStreams: Int { self.snapshot.abortedStreams }

    /// The exact bytes of the last model API request body, to check that a proxy in front
    /// forwarded it unchanged.
    public var lastRequestBody: [UInt8]? {
        self.state.withLock { $0.lastRequestBody }.map { Array($0.readableBytesView) }
    }

    /// Zeroes the counters (not `activeStreams`, which tracks streams still running).
    public func reset() {
        self.state.withLock { state in
            state.counters = Snapshot(activeStreams: state.counters.activeStreams)
            state.lastRequestBody = nil
        }
    }

    func requestReceived(body: ByteBuffer) {
        self.state.withLock {
            $0.counters.requests += 1
            $0.lastRequestBody = body
        }
    }

    func streamStarted() {
        self.state.withLock { $0.counters.activeStreams += 1 }
    }

    func streamEnded(completed: Bool) {
        self.state.withLock {
            $0.counters.activeStreams -= 1
            if completed { $0.counters.completedStreams += 1 } else { $0.counters.abortedStreams += 1 }
        }
    }

    /// The counters as the JSON object served at `GET /mock/stats`.
    func json() -> ByteBuffer {
        let counters = self.snapshot
        var buffer = ByteBuffer()
        buffer.writeStaticString("{\"requests\":")
        buffer.writeDecimal(counters.requests)
        buffer.writeStaticString(",\"active_streams\":")
        buffer.writeDecimal(counters.activeStreams)
        buffer.writeStaticString(",\"completed_streams\":")
        buffer.writeDecimal(counters.completedStreams)
        buffer.writeStaticString(",\"aborted_streams\":")
        buffer.writeDecimal(counters.abortedStreams)
        buffer.writeStaticString("}")
        return buffer
    }
}
