import NIOCore

/// Storage the exchanges of one event loop take turns with: a request's buffers and header
/// field lists are handed back once used and taken again by the next request instead of being
/// allocated. At one request in flight each allocation, and the cold memory it returns, was
/// work on the way to the model and back.
///
/// A spare is given back while its last user may still hold it (NIO until the bytes are
/// written, an exchange until it ends). Taking it then costs what it did before: the storage
/// is shared, so clearing it allocates afresh and the holder keeps the old one. Used on the
/// loop's thread only.
final class LoopSpares {
    enum BufferUse {
        /// The head (and small body) of a request to an instance.
        case instanceRequest
        /// Response bytes waiting for the client.
        case clientResponse
    }

    enum FieldsUse {
        case clientRequest
        case instanceResponse
    }

    /// Larger buffers and longer field lists are let go rather than kept for the life of the
    /// loop (a usual head has a dozen fields).
    static let keptCapacity = 16 * 1024
    static let keptFieldCount = 64

    private var instanceRequest: ByteBuffer?
    private var clientResponse: ByteBuffer?
    private var clientRequestFields: [HTTP1Field] = []
    private var instanceResponseFields: [HTTP1Field] = []

    /// An empty buffer with room for at least `capacity` bytes.
    func buffer(for use: BufferUse, capacity: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        // Swapped out rather than copied: a second reference would make the storage look shared.
        var spare: ByteBuffer?
        switch use {
        case .instanceRequest: swap(&spare, &instanceRequest)
        case .clientResponse: swap(&spare, &clientResponse)
        }
        guard spare != nil else { return allocator.buffer(capacity: capacity) }
        spare!.clear(minimumCapacity: capacity)
        return spare!
    }

    /// `buffer` has been written (or handed to NIO to write): the next user may clear it.
    func giveBack(_ buffer: ByteBuffer, from use: BufferUse) {
        guard buffer.capacity <= Self.keptCapacity else { return }
        switch use {
        case .instanceRequest: instanceRequest = buffer
        case .clientResponse: clientResponse = buffer
        }
    }

    /// An empty field list, with the capacity of the last one given back.
    func fields(for use: FieldsUse) -> [HTTP1Field] {
        var fields: [HTTP1Field] = []
        switch use {
        case .clientRequest: swap(&fields, &clientRequestFields)
        case .instanceResponse: swap(&fields, &instanceResponseFields)
        }
        fields.removeAll(keepingCapacity: true)
        return fields
    }

    /// `fields` belong to a head just parsed; they are reused once that head is gone.
    func giveBack(_ fields: [HTTP1Field], from use: FieldsUse) {
        guard fields.capacity <= Self.keptFieldCount else { return }
        switch use {
        case .clientRequest: clientRequestFields = fields
        case .instanceResponse: instanceResponseFields = fields
        }
    }
}
