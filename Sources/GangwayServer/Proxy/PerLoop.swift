import NIOCore
import Synchronization

/// One `Value` per event loop (a ``TickFlusher``, ``LoopSpares``), made by the first
/// connection on the loop that asks for it and used on that loop only.
final class PerLoop<Value: AnyObject>: Sendable {
    private let values = Mutex<[ObjectIdentifier: NIOLoopBound<Value>]>([:])
    private let make: @Sendable (any EventLoop) -> Value

    init(_ make: @escaping @Sendable (any EventLoop) -> Value) {
        self.make = make
    }

    /// The value of `loop`; called on `loop`, once per connection.
    func on(_ loop: any EventLoop) -> Value {
        let key = ObjectIdentifier(loop)
        return values.withLock { values in
            if let known = values[key] { return known.value }
            let made = make(loop)
            values[key] = NIOLoopBound(made, eventLoop: loop)
            return made
        }
    }
}
