import CGangwayWire
import Dispatch
import Glibc
import NIOCore
import Synchronization

/// What a reactor calls when a socket it watches is ready.
protocol WireSocketHandler: AnyObject {
    /// `events`: the epoll bits that are set (``WireInterest`` names them).
    func socketReady(_ events: UInt32)
}

/// The epoll bits the wire transport asks for and is told about.
enum WireInterest {
    static let readable = GANGWAY_WIRE_IN
    static let writable = GANGWAY_WIRE_OUT
    static let error = GANGWAY_WIRE_ERR
    static let hangUp = GANGWAY_WIRE_HUP
}

/// One thread running an epoll loop over the proxied path's sockets: the client connections the
/// wire front accepted and their instance connections. Each ready socket's handler is a direct
/// call found by an index, and the loop's own work per event is a few branches: no channel
/// pipeline, no promise per write, no registration looked up in a dictionary. At one request
/// in flight that machinery was most of the user-space time a proxied request spent outside
/// Gangway's own code (Benchmarks/PROFILING.md).
///
/// It is an `EventLoop`, so what the exchanges already use works on it unchanged: tasks and
/// timers (``ConnectionTimer``, ``TickFlusher``), futures, `NIOLoopBound`. Tasks given from the
/// loop's own thread run after the I/O events of the tick in which they were given, as on NIO's
/// loops. NIO channels cannot live on it: sockets are registered with ``register(_:handler:interest:)``.
///
/// Not thread-safe except where said: everything but `execute`, `scheduleTask`, `inEventLoop`
/// and `shutdownGracefully` is called on the loop's thread.
final class Reactor: EventLoop, @unchecked Sendable {
    private let epoll: CInt
    private let wakeDescriptor: CInt
    /// Set once, before anything can be given to the loop from another thread.
    private var thread: pthread_t?

    // Loop-only state.
    private var slots: [Slot] = []
    private var freeSlots: [Int] = []
    private var tasks: [() -> Void] = []
    private var runningTasks: [() -> Void] = []
    private var timers = ReactorTimers()
    private var events: UnsafeMutablePointer<gangway_wire_event>
    private static let eventCapacity = 128

    private struct Slot {
        var handler: (any WireSocketHandler)?
        /// Moved on each time the slot is reused, so an event read for the slot's last socket in
        /// the same batch is not delivered to the next.
        var generation: UInt32 = 0
    }

    /// Work given from other threads.
    private struct Inbox {
        var tasks: [@Sendable () -> Void] = []
        /// The loop has been signalled and has not yet taken the tasks.
        var signalled = false
        var stopping = false
        var stopped: [@Sendable () -> Void] = []
        var hasStopped = false
    }

    private let inbox = Mutex(Inbox())
    private static let wakeTag = UInt64.max

    /// Starts the loop on a thread of its own, named `name`.
    init(name: String) throws {
        epoll = gangway_wire_epoll_create()
        guard epoll >= 0 else { throw WireError.system("epoll_create1", errno) }
        wakeDescriptor = gangway_wire_eventfd()
        guard wakeDescriptor >= 0 else {
            let code = errno
            Glibc.close(epoll)
            throw WireError.system("eventfd", code)
        }
        events = .allocate(capacity: Self.eventCapacity)
        guard gangway_wire_epoll_ctl(epoll, 1, wakeDescriptor, WireInterest.readable, Self.wakeTag) == 0 else {
            let code = errno
            Glibc.close(epoll)
            Glibc.close(wakeDescriptor)
            events.deallocate()
            throw WireError.system("epoll_ctl", code)
        }
        let started = DispatchSemaphore(value: 0)
        let box = Unmanaged.passRetained(StartBox(reactor: self, name: name, started: started))
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { argument in
            let box = Unmanaged<StartBox>.fromOpaque(argument!).takeRetainedValue()
            box.name.withCString { gangway_wire_name_thread($0) }
            let reactor = box.reactor
            box.started.wait()
            reactor.run()
            return nil
        }, box.toOpaque())
        guard result == 0 else {
            box.release()
            Glibc.close(epoll)
            Glibc.close(wakeDescriptor)
            events.deallocate()
            throw WireError.system("pthread_create", result)
        }
        thread = handle
        pthread_detach(handle)
        started.signal()
    }

    private final class StartBox {
        let reactor: Reactor
        let name: String
        let started: DispatchSemaphore

        init(reactor: Reactor, name: String, started: DispatchSemaphore) {
            self.reactor = reactor
            self.name = name
            self.started = started
        }
    }

    deinit {
        Glibc.close(epoll)
        Glibc.close(wakeDescriptor)
        events.deallocate()
    }

    // MARK: Sockets

    /// A registration: the handler's slot and its generation, as epoll hands them back.
    struct Registration: Equatable {
        fileprivate let tag: UInt64
        fileprivate var slot: Int { Int(truncatingIfNeeded: tag & 0xFFFF_FFFF) }
    }

    func register(_ descriptor: CInt, handler: any WireSocketHandler, interest: UInt32) throws(WireError) -> Registration {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            slot = slots.count
            slots.append(Slot())
        }
        slots[slot].handler = handler
        let tag = UInt64(slots[slot].generation) << 32 | UInt64(slot)
        guard gangway_wire_epoll_ctl(epoll, 1, descriptor, interest, tag) == 0 else {
            let code = errno
            release(slot)
            throw .system("epoll_ctl", code)
        }
        return Registration(tag: tag)
    }

    func changeInterest(_ descriptor: CInt, _ registration: Registration, to interest: UInt32) {
        _ = gangway_wire_epoll_ctl(epoll, 3, descriptor, interest, registration.tag)
    }

    /// Stops watching the socket (before it is closed, or handed to another loop).
    func deregister(_ descriptor: CInt, _ registration: Registration) {
        _ = gangway_wire_epoll_ctl(epoll, 2, descriptor, 0, 0)
        release(registration.slot)
    }

    private func release(_ slot: Int) {
        slots[slot].handler = nil
        slots[slot].generation &+= 1
        freeSlots.append(slot)
    }

    /// How many sockets are registered.
    var registeredCount: Int { slots.count - freeSlots.count }

    // MARK: The loop

    private func run() {
        while true {
            let timeout: CInt
            if !tasks.isEmpty {
                timeout = 0
            } else if let next = timers.nextDeadline {
                let now = DispatchTime.now().uptimeNanoseconds
                // Rounded up: waking before the deadline would only wait again.
                timeout = next <= now ? 0 : CInt(clamping: (next - now + 999_999) / 1_000_000)
            } else {
                timeout = -1
            }
            let count = gangway_wire_epoll_wait(epoll, events, CInt(Self.eventCapacity), timeout)
            if count > 0 {
                for index in 0..<Int(count) {
                    dispatch(events[index])
                }
            }
            if timers.nextDeadline != nil { runDueTimers() }
            runTasks()
            if inbox.withLock({ $0.stopping }) {
                finishStopping()
                return
            }
        }
    }

    private func dispatch(_ event: gangway_wire_event) {
        let tag = event.tag
        if tag == Self.wakeTag {
            gangway_wire_eventfd_drain(wakeDescriptor)
            let given = inbox.withLock { inbox -> [@Sendable () -> Void] in
                inbox.signalled = false
                defer { inbox.tasks.removeAll(keepingCapacity: true) }
                return inbox.tasks
            }
            for task in given { tasks.append(task) }
            return
        }
        let slot = Int(truncatingIfNeeded: tag & 0xFFFF_FFFF)
        guard slot < slots.count, UInt64(slots[slot].generation) == tag >> 32, let handler = slots[slot].handler else {
            return
        }
        handler.socketReady(event.events)
    }

    private func runTasks() {
        guard !tasks.isEmpty else { return }
        // Tasks given while these run wait for the next tick (after its I/O), as on NIO's loops.
        swap(&tasks, &runningTasks)
        for task in runningTasks { task() }
        runningTasks.removeAll(keepingCapacity: true)
    }

    private func runDueTimers() {
        let now = DispatchTime.now().uptimeNanoseconds
        while let fire = timers.popDue(now: now) { fire() }
    }

    private func finishStopping() {
        // Whatever is still registered is closed by its owner's shutdown, which ran before.
        let callbacks = inbox.withLock { inbox -> [@Sendable () -> Void] in
            inbox.hasStopped = true
            return inbox.stopped
        }
        for callback in callbacks { callback() }
    }

    // MARK: EventLoop

    var inEventLoop: Bool {
        guard let thread else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    func execute(_ task: @escaping @Sendable () -> Void) {
        if inEventLoop {
            tasks.append(task)
            return
        }
        let signal = inbox.withLock { inbox -> Bool in
            inbox.tasks.append(task)
            defer { inbox.signalled = true }
            return !inbox.signalled
        }
        if signal { _ = gangway_wire_eventfd_signal(wakeDescriptor) }
    }

    func scheduleTask<T>(deadline: NIODeadline, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        let promise: EventLoopPromise<T> = makePromise()
        let id = ReactorTimers.ID.next()
        let due = deadline.uptimeNanoseconds
        let fire: @Sendable () -> Void = { promise.completeWith(Result { try task() }) }
        if inEventLoop {
            timers.add(id, at: due, fire)
        } else {
            execute { self.timers.add(id, at: due, fire) }
        }
        return Scheduled(promise: promise) { [self] in
            if inEventLoop {
                if timers.cancel(id) { promise.fail(EventLoopError.cancelled) }
            } else {
                execute { if self.timers.cancel(id) { promise.fail(EventLoopError.cancelled) } }
            }
        }
    }

    func scheduleTask<T>(in delay: TimeAmount, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        scheduleTask(deadline: .now() + delay, task)
    }

    /// Stops the loop after its current tick. The owner of each registered socket closes it
    /// first (on the loop); what is still registered then is left as it is.
    func shutdownGracefully(queue: DispatchQueue, _ callback: @escaping @Sendable ((any Error)?) -> Void) {
        let already = inbox.withLock { inbox -> Bool in
            if inbox.hasStopped { return true }
            inbox.stopping = true
            inbox.stopped.append { queue.async { callback(nil) } }
            return false
        }
        if already {
            queue.async { callback(nil) }
        } else {
            _ = gangway_wire_eventfd_signal(wakeDescriptor)
        }
    }
}

/// Why a socket call of the wire transport failed.
struct WireError: Error, CustomStringConvertible {
    let call: String
    let code: CInt

    static func system(_ call: String, _ code: CInt) -> WireError {
        WireError(call: call, code: code)
    }

    var description: String {
        "\(call) failed: \(String(cString: strerror(code))) (errno \(code))"
    }
}
