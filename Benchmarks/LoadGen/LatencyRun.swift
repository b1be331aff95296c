import NIOCore

/// One request in flight in total, cycling through the targets (direct first, then each
/// proxy), so every proxy is measured in the same moments as the direct path and the
/// difference of their percentiles is the latency the proxy adds.
///
/// The proxies' order rotates from one cycle to the next and each exchange is followed by a
/// short pause, so that work a proxy's process still does after answering lands on no
/// particular target. (The benchmark harness goes further and measures one proxy at a time.)
final class LatencyRun: ExchangeObserver {
    /// Pause after each exchange before the next request.
    static let settle = TimeAmount.milliseconds(1)

    private let targets: [Target]
    private let loop: any EventLoop
    private let deadline: UInt64
    private let warmupUntil: UInt64
    private let done: EventLoopPromise<JSONValue>
    private var connections: [ExchangeHandler?]
    private var samples: [Samples]
    private var errors: [Int]
    private var statusOK = true
    /// Position in the current cycle, and how many cycles have begun.
    private var position = 0
    private var cycle = 0
    private var finished = false

    init(targets: [Target], seconds: Double, warmupSeconds: Double, loop: any EventLoop, done: EventLoopPromise<JSONValue>) {
        self.targets = targets
        self.loop = loop
        let now = ExchangeHandler.now()
        self.warmupUntil = now + UInt64(warmupSeconds * 1e9)
        self.deadline = self.warmupUntil + UInt64(seconds * 1e9)
        self.done = done
        self.connections = Array(repeating: nil, count: targets.count)
        self.samples = Array(repeating: Samples(), count: targets.count)
        self.errors = Array(repeating: 0, count: targets.count)
    }

    func start() { self.step() }

    private func step() {
        if self.finished { return }
        if ExchangeHandler.now() >= self.deadline { return self.finish() }
        let index = self.targetIndex(at: self.position)
        if let connection = self.connections[index] {
            connection.send()
            return
        }
        ExchangeHandler.connect(target: self.targets[index], slot: index, observer: self, on: self.loop) { handler in
            guard let handler else {
                self.errors[index] += 1
                return self.advance()
            }
            self.connections[index] = handler
            handler.send()
        }
    }

    /// Direct first in every cycle; the proxies after it, rotated by one each cycle.
    private func targetIndex(at position: Int) -> Int {
        let proxies = self.targets.count - 1
        guard position > 0, proxies > 0 else { return 0 }
        return 1 + (position - 1 + self.cycle) % proxies
    }

    private func advance() {
        self.position += 1
        if self.position == self.targets.count {
            self.position = 0
            self.cycle += 1
        }
        // Also lets the event loop process connection teardown between exchanges.
        self.loop.assumeIsolated().scheduleTask(in: Self.settle) { self.step() }
    }

    func exchange(_ connection: ExchangeHandler, didReceiveStatus status: UInt, at now: UInt64) {
        self.statusOK = status == 200
    }

    func exchange(_ connection: ExchangeHandler, didReceiveEvents events: Int, at now: UInt64) {}

    func exchangeDidEnd(_ connection: ExchangeHandler, at now: UInt64) {
        if !self.statusOK {
            self.errors[connection.slot] += 1
        } else if connection.startedAt >= self.warmupUntil {
            self.samples[connection.slot].add(now - connection.startedAt)
        }
        if connection.serverCloses {
            self.connections[connection.slot] = nil
            connection.close()
        }
        self.advance()
    }

    func exchangeDidFail(_ connection: ExchangeHandler) {
        if self.connections[connection.slot] === connection { self.connections[connection.slot] = nil }
        if connection.inFlight {
            self.errors[connection.slot] += 1
            self.advance()
        }
    }

    private func finish() {
        self.finished = true
        for connection in self.connections { connection?.close() }
        var fields: [(String, JSONValue)] = []
        for (index, target) in self.targets.enumerated() {
            var summary = self.samples[index].summary()
            if case .object(var inner) = summary {
                inner.append(("errors", .number(Double(self.errors[index]))))
                summary = .object(inner)
            }
            fields.append((target.name, summary))
        }
        self.done.succeed(.object([("mode", .string("latency")), ("targets", .object(fields))]))
    }
}
