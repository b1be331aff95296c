import DequeModule
import NIOCore
import Synchronization

/// Hands response chunks from the task reading an instance to the task writing the client,
/// with bounded buffering (backpressure reaches the instance through TCP) and a way for any
/// task to end the relay with an error, such as a timeout watchdog.
///
/// Chunks are never merged: each buffer the instance wrote is written to the client as is.
final class ChunkHandoff: Sendable {
    private let state: Mutex<State>

    init(capacity: Int = 16) {
        state = Mutex(State(capacity: capacity))
    }

    /// Producer side: waits while the buffer is full. Returns false once the relay has ended.
    func send(_ chunk: ByteBuffer) async -> Bool {
        let action = state.withLock { $0.offer(chunk) }
        switch action {
        case .accepted(let consumer):
            consumer?.resume(returning: .success(chunk))
            return true
        case .closed:
            return false
        case .mustWait:
            return await withCheckedContinuation { continuation in
                switch state.withLock({ $0.parkProducer(chunk, continuation) }) {
                case .parked:
                    break
                case .buffered:
                    continuation.resume(returning: true)
                case .handedOver(let consumer):
                    consumer.resume(returning: .success(chunk))
                    continuation.resume(returning: true)
                case .closed:
                    continuation.resume(returning: false)
                }
            }
        }
    }

    /// Ends the relay: `nil` for a normal end of body, else the error the consumer will see
    /// after the chunks already buffered. Later calls are ignored; the first outcome wins.
    func finish(_ error: (any Error)? = nil) {
        let (consumer, producer) = state.withLock { $0.finish(error) }
        if let consumer {
            consumer.resume(returning: error.map { .failure($0) } ?? .success(nil))
        }
        producer?.resume(returning: false)
    }

    /// Ends the relay at once, dropping what was buffered (the consumer gave up).
    func cancel(_ error: any Error) {
        let producer = state.withLock { $0.cancel(error) }
        producer?.resume(returning: false)
    }

    /// Consumer side: the next chunk, nil at the end, or the error given to ``finish(_:)``.
    func next() async throws -> ByteBuffer? {
        let immediate: Result<ByteBuffer?, any Error>? = state.withLock { state in
            let (result, producer) = state.take()
            producer?.resume(returning: true)
            return result
        }
        if let immediate { return try immediate.get() }
        let result: Result<ByteBuffer?, any Error> = await withCheckedContinuation { continuation in
            let ready: Result<ByteBuffer?, any Error>? = state.withLock { state in
                let (result, producer) = state.take()
                producer?.resume(returning: true)
                if result == nil { state.consumer = continuation }
                return result
            }
            if let ready { continuation.resume(returning: ready) }
        }
        return try result.get()
    }
}

extension ChunkHandoff {
    struct State: ~Copyable {
        let capacity: Int
        var buffer: Deque<ByteBuffer> = []
        var ending: Result<Void, any Error>? = nil
        var consumer: CheckedContinuation<Result<ByteBuffer?, any Error>, Never>? = nil
        var producer: (chunk: ByteBuffer, continuation: CheckedContinuation<Bool, Never>)? = nil

        init(capacity: Int) {
            self.capacity = max(1, capacity)
        }

        enum OfferAction {
            case accepted(consumer: CheckedContinuation<Result<ByteBuffer?, any Error>, Never>?)
            case mustWait
            case closed
        }

        mutating func offer(_ chunk: ByteBuffer) -> OfferAction {
            guard ending == nil else { return .closed }
            if let waiting = consumer {
                consumer = nil
                return .accepted(consumer: waiting)
            }
            guard buffer.count < capacity else { return .mustWait }
            buffer.append(chunk)
            return .accepted(consumer: nil)
        }

        enum ParkResult {
            case parked
            case buffered
            /// The consumer drained everything and is waiting: the chunk goes straight to it,
            /// never into the buffer behind its back (that would let the next chunk overtake it).
            case handedOver(CheckedContinuation<Result<ByteBuffer?, any Error>, Never>)
            case closed
        }

        /// Parks the producer, unless the state changed since ``offer(_:)``.
        mutating func parkProducer(_ chunk: ByteBuffer, _ continuation: CheckedContinuation<Bool, Never>) -> ParkResult {
            guard ending == nil else { return .closed }
            if let waiting = consumer {
                consumer = nil
                return .handedOver(waiting)
            }
            if buffer.count < capacity {
                buffer.append(chunk)
                return .buffered
            }
            producer = (chunk, continuation)
            return .parked
        }

        /// The next result for the consumer if one is ready, and a producer to wake.
        mutating func take() -> (Result<ByteBuffer?, any Error>?, CheckedContinuation<Bool, Never>?) {
            if let chunk = buffer.popFirst() {
                var woken: CheckedContinuation<Bool, Never>? = nil
                if let parked = producer {
                    buffer.append(parked.chunk)
                    producer = nil
                    woken = parked.continuation
                }
                return (.success(chunk), woken)
            }
            switch ending {
            case .none: return (nil, nil)
            case .success: return (.success(nil), nil)
            case .failure(let error): return (.failure(error), nil)
            }
        }

        mutating func finish(_ error: (any Error)?) -> (
            CheckedContinuation<Result<ByteBuffer?, any Error>, Never>?, CheckedContinuation<Bool, Never>?
        ) {
            guard ending == nil else { return (nil, nil) }
            ending = error.map { .failure($0) } ?? .success(())
            let waiting = consumer
            consumer = nil
            let parked = producer?.continuation
            producer = nil
            return (waiting, parked)
        }

        mutating func cancel(_ error: any Error) -> CheckedContinuation<Bool, Never>? {
            buffer.removeAll()
            if ending == nil { ending = .failure(error) }
            let parked = producer?.continuation
            producer = nil
            return parked
        }
    }
}
