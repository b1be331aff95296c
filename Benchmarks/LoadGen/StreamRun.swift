import NIOCore

/// Concurrent server-sent-event streams. Each of `concurrency` workers opens its connection at
/// its place in the ramp, then runs streams back to back until the deadline (or exactly one
/// with `once`). Per stream it records the time to the first event and every gap between
/// events; a stream with a gap (or a first event) later than `stallNanoseconds` is stalled.
final class StreamRun: ExchangeObserver {
    struct Options {
        var concurrency: Int
        var seconds: Double
        var rampSeconds: Double
        var once: Bool
        var stallNanoseconds: UInt64
    }

    private let target: Target
    private let options: Options
    private let loop: any EventLoop
    private let done: EventLoopPromise<JSONValue>
    private var connections: [ExchangeHandler?]
    private var lastEvent: [UInt64]
    private var firstSeen: [Bool]
    private var firstEvent: [UInt64]
    private var eventCount: [Int]
    private var streamStalled: [Bool]
    private var statusOK: [Bool]
    private var ttft = Samples()
    private var gaps = Samples()
    /// Per completed stream: (last event - first event) / (events - 1). Unlike single gaps it
    /// is not hidden when a slow proxy delivers several events in one read.
    private var intervals = Samples()
    private var failures: [String: Int] = [:]
    private var maxGap: UInt64 = 0
    private var started = 0
    private var completed = 0
    private var stalled = 0
    private var failed = 0
    private var openStreams = 0
    private var peakOpen = 0
    private var events = 0
    private var startTime: UInt64 = 0
    private var deadline: UInt64 = 0
    private var finished = false

    init(target: Target, options: Options, loop: any EventLoop, done: EventLoopPromise<JSONValue>) {
        self.target = target
        self.options = options
        self.loop = loop
        self.done = done
        let count = options.concurrency
        self.connections = Array(repeating: nil, count: count)
        self.lastEvent = Array(repeating: 0, count: count)
        self.firstSeen = Array(repeating: false, count: count)
        self.firstEvent = Array(repeating: 0, count: count)
        self.eventCount = Array(repeating: 0, count: count)
        self.streamStalled = Array(repeating: false, count: count)
        self.statusOK = Array(repeating: false, count: count)
    }

    func start() {
        self.startTime = ExchangeHandler.now()
        self.deadline = self.startTime + UInt64(self.options.seconds * 1e9)
        let isolated = self.loop.assumeIsolated()
        for slot in 0..<self.options.concurrency {
            let offset = self.options.rampSeconds * Double(slot) / Double(self.options.concurrency)
            isolated.scheduleTask(in: .nanoseconds(Int64(offset * 1e9))) { self.open(slot: slot) }
        }
        isolated.scheduleTask(in: .nanoseconds(Int64(self.options.seconds * 1e9))) { self.finish() }
    }

    private func open(slot: Int) {
        if self.finished { return }
        ExchangeHandler.connect(target: self.target, slot: slot, observer: self, on: self.loop) { handler in
            guard let handler else {
                self.failed += 1
                self.failures["connect", default: 0] += 1
                return
            }
            if self.finished { return handler.close() }
            self.connections[slot] = handler
            self.begin(handler)
        }
    }

    private func begin(_ connection: ExchangeHandler) {
        let slot = connection.slot
        self.firstSeen[slot] = false
        self.eventCount[slot] = 0
        self.streamStalled[slot] = false
        self.statusOK[slot] = false
        self.started += 1
        self.openStreams += 1
        self.peakOpen = max(self.peakOpen, self.openStreams)
        let now = ExchangeHandler.now()
        self.lastEvent[slot] = now
        connection.send(at: now)
    }

    func exchange(_ connection: ExchangeHandler, didReceiveStatus status: UInt, at now: UInt64) {
        self.statusOK[connection.slot] = status == 200
    }

    func exchange(_ connection: ExchangeHandler, didReceiveEvents count: Int, at now: UInt64) {
        let slot = connection.slot
        guard self.statusOK[slot], !self.finished else { return }
        let gap = now - self.lastEvent[slot]
        if !self.firstSeen[slot] {
            self.firstSeen[slot] = true
            self.firstEvent[slot] = now
            self.ttft.add(gap)
        } else {
            self.gaps.add(gap)
            self.maxGap = max(self.maxGap, gap)
        }
        // Events that arrive in the same read as another have no gap of their own.
        for _ in 1..<max(count, 1) { self.gaps.add(0) }
        if gap > self.options.stallNanoseconds { self.streamStalled[slot] = true }
        self.events += count
        self.eventCount[slot] += count
        self.lastEvent[slot] = now
    }

    func exchangeDidEnd(_ connection: ExchangeHandler, at now: UInt64) {
        if self.finished { return }
        let slot = connection.slot
        self.openStreams -= 1
        if self.statusOK[slot] && self.firstSeen[slot] {
            self.completed += 1
            if self.streamStalled[slot] { self.stalled += 1 }
            if self.eventCount[slot] > 1 {
                self.intervals.add((self.lastEvent[slot] - self.firstEvent[slot]) / UInt64(self.eventCount[slot] - 1))
            }
        } else {
            self.failed += 1
            self.failures[self.statusOK[slot] ? "no events" : "status", default: 0] += 1
        }
        if self.options.once {
            connection.close()
            if self.completed + self.failed >= self.options.concurrency { self.finish() }
            return
        }
        if now >= self.deadline { return connection.close() }
        if connection.serverCloses {
            connection.close()
            return self.open(slot: slot)
        }
        self.begin(connection)
    }

    func exchangeDidFail(_ connection: ExchangeHandler) {
        if self.finished { return }
        let slot = connection.slot
        if self.connections[slot] === connection { self.connections[slot] = nil }
        guard connection.inFlight else { return }
        self.openStreams -= 1
        self.failed += 1
        self.failures["connection lost", default: 0] += 1
        if self.options.once && self.completed + self.failed >= self.options.concurrency { return self.finish() }
        if !self.options.once && ExchangeHandler.now() < self.deadline { self.open(slot: slot) }
    }

    private func finish() {
        if self.finished { return }
        self.finished = true
        // A stream still open at the end is stalled if it has waited too long for an event.
        let unfinished = self.openStreams
        let now = ExchangeHandler.now()
        var idleAtEnd = 0
        for case let connection? in self.connections where connection.inFlight {
            if now - self.lastEvent[connection.slot] > self.options.stallNanoseconds || self.streamStalled[connection.slot] {
                idleAtEnd += 1
            }
        }
        for connection in self.connections { connection?.close() }
        let elapsed = Double(ExchangeHandler.now() - self.startTime) / 1e9
        self.done.succeed(
            .object([
                ("mode", .string("streams")), ("target", .string(self.target.name)),
                ("concurrency", .number(Double(self.options.concurrency))),
                ("started", .number(Double(self.started))), ("completed", .number(Double(self.completed))),
                ("stalled", .number(Double(self.stalled))), ("failed", .number(Double(self.failed))),
                ("unfinished", .number(Double(unfinished))), ("stalled_open", .number(Double(idleAtEnd))),
                ("peak_open", .number(Double(self.peakOpen))),
                ("failures", .object(self.failures.sorted { $0.key < $1.key }.map { ($0.key, .number(Double($0.value))) })),
                ("events", .number(Double(self.events))), ("seconds", .number(elapsed)),
                ("max_gap_us", .number(Double(self.maxGap) / 1000)),
                ("ttft", self.ttft.summary()), ("gap", self.gaps.summary()), ("interval", self.intervals.summary()),
            ]))
    }
}
