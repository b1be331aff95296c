import NIOCore

/// What the connections of one reactor share: the flusher that holds a busy tick's writes to
/// its end, the reusable buffers, the instance connections, the buffer reads land in, and the
/// client connections open (for graceful shutdown). Used on the reactor's thread only.
final class WireLoop {
    let reactor: Reactor
    let forwarder: OpenAIForwarder
    let flusher: TickFlusher
    let spares = LoopSpares()
    private(set) lazy var links = WireInstanceLinks(loop: self)
    let allocator = ByteBufferAllocator()
    /// Where reads land: taken for a read and given back, so a request whose bytes were all used
    /// leaves it to the next read instead of a new allocation.
    private var receiveBuffer: ByteBuffer?
    static let receiveCapacity = 16 * 1024

    private var clients: [ObjectIdentifier: WireClientConnection] = [:]
    /// Accepts this loop's share of new connections (nil once it has stopped).
    var acceptor: WireAcceptor?
    private(set) var quiescing = false
    /// Called with a client connection the fast path does not serve (on this loop's thread).
    let handOver: (_ descriptor: CInt, _ unread: ByteBuffer?) -> Void

    init(reactor: Reactor, forwarder: OpenAIForwarder, handOver: @escaping (CInt, ByteBuffer?) -> Void) {
        self.reactor = reactor
        self.forwarder = forwarder
        self.handOver = handOver
        flusher = TickFlusher(loop: reactor)
    }

    /// An empty buffer for a read.
    func takeReceiveBuffer() -> ByteBuffer {
        guard var buffer = receiveBuffer else { return allocator.buffer(capacity: Self.receiveCapacity) }
        receiveBuffer = nil
        // Storage still held elsewhere (a request's body, pipelined bytes) is left to its holder.
        buffer.clear(minimumCapacity: Self.receiveCapacity)
        return buffer
    }

    func giveBack(receiveBuffer buffer: ByteBuffer) {
        if buffer.capacity <= 4 * Self.receiveCapacity { receiveBuffer = buffer }
    }

    // MARK: Client connections

    func opened(_ client: WireClientConnection) {
        clients[ObjectIdentifier(client)] = client
        if quiescing { client.quiesce() }
    }

    func closed(_ client: WireClientConnection) {
        clients[ObjectIdentifier(client)] = nil
    }

    var openClients: Int { clients.count }

    /// Graceful shutdown: idle connections close now, busy ones once their exchange has ended.
    func quiesce() {
        quiescing = true
        for client in Array(clients.values) { client.quiesce() }
    }

    /// Closes every connection (once the drain is over).
    func closeAll() {
        for client in Array(clients.values) { client.abort() }
        links.closeAll()
    }
}
