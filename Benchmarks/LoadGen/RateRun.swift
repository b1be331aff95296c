import DequeModule
import NIOCore

/// Open-loop load at a fixed rate over a pool of keep-alive connections. Request k is due at
/// start + k / rate and its latency is counted from then, not from when a connection became
/// free, so a proxy that falls behind is charged for the queueing it causes.
final class RateRun: ExchangeObserver {
    private let target: Target
    private let loop: any EventLoop
    private let rate: Double
    private let connectionCount: Int
    private let seconds: Double
    private let done: EventLoopPromise<JSONValue>
    private var idle: [ExchangeHandler] = []
    private var due: Deque<UInt64> = []
    private var intended: [ObjectIdentifier: UInt64] = [:]
    private var statusOK: [ObjectIdentifier: Bool] = [:]
    private var samples = Samples()
    private var errors = 0
    private var issued = 0
    private var startTime: UInt64 = 0
    private var deadline: UInt64 = 0
    private var all: [ExchangeHandler] = []
    private var finished = false
    private var saturated = false

    init(target: Target, rate: Double, connections: Int, seconds: Double, loop: any EventLoop, done: EventLoopPromise<JSONValue>) {
        self.target = target
        self.rate = rate
        self.connectionCount = connections
        self.seconds = seconds
        self.loop = loop
        self.done = done
        self.samples.reserve(Int(rate * seconds) + 16)
    }

    func start(connected: Int = 0) {
        guard connected < self.connectionCount else { return self.begin() }
        ExchangeHandler.connect(target: self.target, slot: connected, observer: self, on: self.loop) { handler in
            guard let handler else {
                self.done.fail(UsageError("cannot connect to \(self.target.host):\(self.target.port)"))
                return
            }
            self.idle.append(handler)
            self.all.append(handler)
            self.start(connected: connected + 1)
        }
    }

    private func begin() {
        self.startTime = ExchangeHandler.now()
        self.deadline = self.startTime + UInt64(self.seconds * 1e9)
        self.tick()
    }

    /// Each tick releases every request that has fallen due, then sleeps until the next one
    /// is due (at least 20 µs, so very high rates are released in small batches).
    private func tick() {
        self.release()
        if self.finished { return }
        let nextDue = self.startTime + UInt64(Double(self.issued) / self.rate * 1e9)
        let now = ExchangeHandler.now()
        let wait = nextDue > now ? max(nextDue - now, 20_000) : 20_000
        self.loop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(wait))) { self.tick() }
    }

    private func release() {
        if self.finished { return }
        let now = ExchangeHandler.now()
        // Request k is due at k / rate: those due by now, and only those due before the deadline.
        let elapsed = Double(now - self.startTime) / 1e9
        let dueCount = min(Int(elapsed * self.rate) + 1, Int((self.seconds * self.rate).rounded(.up)))
        while self.issued < dueCount {
            self.due.append(self.startTime + UInt64(Double(self.issued) / self.rate * 1e9))
            self.issued += 1
        }
        self.dispatch()
        // A backlog of a second's worth of requests means the target cannot keep this rate.
        if self.due.count > max(Int(self.rate), 1000) {
            self.saturated = true
            return self.finish()
        }
        if now >= self.deadline && self.due.isEmpty && self.idle.count == self.connectionCount { self.finish() }
        if now >= self.deadline + 2_000_000_000 { self.finish() }
    }

    private func dispatch() {
        while !self.due.isEmpty, let connection = self.idle.popLast() {
            let at = self.due.removeFirst()
            self.intended[ObjectIdentifier(connection)] = at
            connection.send()
        }
    }

    func exchange(_ connection: ExchangeHandler, didReceiveStatus status: UInt, at now: UInt64) {
        self.statusOK[ObjectIdentifier(connection)] = status == 200
    }

    func exchange(_ connection: ExchangeHandler, didReceiveEvents events: Int, at now: UInt64) {}

    func exchangeDidEnd(_ connection: ExchangeHandler, at now: UInt64) {
        let key = ObjectIdentifier(connection)
        if self.statusOK[key] == true, let at = self.intended[key] {
            self.samples.add(now - at)
        } else {
            self.errors += 1
        }
        if connection.serverCloses {
            // The connection is going away: the failure callback opens its replacement.
            return connection.close()
        }
        self.idle.append(connection)
        self.dispatch()
    }

    func exchangeDidFail(_ connection: ExchangeHandler) {
        if self.finished { return }
        if connection.inFlight { self.errors += 1 }
        self.idle.removeAll { $0 === connection }
        self.all.removeAll { $0 === connection }
        ExchangeHandler.connect(target: self.target, slot: connection.slot, observer: self, on: self.loop) { handler in
            guard let handler else { return }
            if self.finished { return handler.close() }
            self.idle.append(handler)
            self.all.append(handler)
            self.dispatch()
        }
    }

    private func finish() {
        if self.finished { return }
        self.finished = true
        let elapsed = Double(ExchangeHandler.now() - self.startTime) / 1e9
        var summary: [(String, JSONValue)] = [
            ("mode", .string("rate")), ("target", .string(self.target.name)),
            ("rate", .number(self.rate)), ("connections", .number(Double(self.connectionCount))),
            ("achieved", .number(Double(self.samples.count) / max(elapsed, 1e-9))),
            ("errors", .number(Double(self.errors))), ("saturated", .bool(self.saturated)),
        ]
        summary.append(("latency", self.samples.summary()))
        for connection in self.all { connection.close() }
        self.done.succeed(.object(summary))
    }
}
