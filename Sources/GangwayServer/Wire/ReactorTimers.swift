import Synchronization

/// A reactor's timers: a binary heap by due time (ties in the order they were added), with
/// cancelled timers dropped when they reach the top. Used on the reactor's thread only.
struct ReactorTimers {
    struct ID: Hashable {
        let value: UInt64

        private static let counter = Atomic<UInt64>(0)

        static func next() -> ID {
            ID(value: counter.wrappingAdd(1, ordering: .relaxed).newValue)
        }
    }

    private struct Entry {
        let due: UInt64
        let id: ID
        let fire: () -> Void

        func precedes(_ other: Entry) -> Bool {
            due != other.due ? due < other.due : id.value < other.id.value
        }
    }

    private var heap: [Entry] = []
    /// Timers added and not yet fired or cancelled.
    private var pending: Set<ID> = []

    var isEmpty: Bool { pending.isEmpty }

    /// The earliest due time, cancelled timers included (waking for one only costs a wake-up).
    var nextDeadline: UInt64? { heap.first?.due }

    mutating func add(_ id: ID, at due: UInt64, _ fire: @escaping () -> Void) {
        pending.insert(id)
        heap.append(Entry(due: due, id: id, fire: fire))
        siftUp(heap.count - 1)
    }

    /// Whether the timer was still pending (it will not fire).
    mutating func cancel(_ id: ID) -> Bool {
        pending.remove(id) != nil
    }

    /// The next timer due at `now` or earlier, removed; cancelled ones are skipped.
    mutating func popDue(now: UInt64) -> (() -> Void)? {
        while let top = heap.first, top.due <= now {
            removeTop()
            if pending.remove(top.id) != nil { return top.fire }
        }
        // Drop cancelled timers at the top, so the loop does not wake for them.
        while let top = heap.first, !pending.contains(top.id) { removeTop() }
        return nil
    }

    private mutating func removeTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            let right = left + 1
            let earlier = right < heap.count && heap[right].precedes(heap[left]) ? right : left
            guard heap[earlier].precedes(heap[parent]) else { return }
            heap.swapAt(earlier, parent)
            parent = earlier
        }
    }
}
