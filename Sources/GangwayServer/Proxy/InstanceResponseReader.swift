import NIOCore

/// Reads an instance connection's bytes as responses (``HTTP1ResponseParser``) and hands the
/// connection's receiver the head, body pieces and end of each. Shared by the NIO channel
/// handler (``UpstreamConnectionHandler``) and the wire transport's socket
/// (``WireInstanceConnection``). A class: the receiver may send the connection its next request
/// while the bytes of the last are still being handed out.
final class InstanceResponseReader {
    private var parser = HTTP1ResponseParser()
    /// The start of a head or chunk-size line whose end has not arrived (bounded by the parser).
    private var unread: ByteBuffer?
    /// Whether the current response's head lets the connection carry another request.
    private var keepAlive = false

    init(spares: LoopSpares?) {
        parser.spares = spares
    }

    /// A request has been sent: what comes next is its response.
    func expectResponse() {
        parser.expectResponse()
        unread = nil
    }

    enum Outcome {
        /// The response has not ended yet, or has ended and the connection may serve another.
        case reading
        /// The connection must be closed: bytes came with no request waiting for them, or the
        /// response broke HTTP/1.1 (its receiver has been told).
        case close
    }

    /// Hands `connection`'s receiver what `bytes` complete.
    func read(_ bytes: ByteBuffer, on connection: some InstanceConnection) -> Outcome {
        guard let receiver = connection.receiver else { return .close }
        var buffer = bytes
        if var earlier = unread {
            unread = nil
            earlier.writeBuffer(&buffer)
            buffer = earlier
        }
        do {
            while let event = try parser.next(&buffer) {
                switch event {
                case .head(let head):
                    keepAlive = head.keepAlive
                    receiver.upstreamHead(head)
                case .body(let piece):
                    receiver.upstreamBody(piece)
                case .end:
                    connection.receiver = nil
                    // Bytes after the response answer no request: the connection is not reused.
                    receiver.upstreamEnd(reusable: keepAlive && buffer.readableBytes == 0)
                    return .reading
                }
                // The exchange may have closed the connection meanwhile.
                guard connection.receiver === receiver else { return .reading }
            }
            if buffer.readableBytes > 0 { unread = buffer }
            return .reading
        } catch {
            connection.receiver = nil
            receiver.upstreamBroken(error)
            return .close
        }
    }

    /// The instance closed the connection: a body that runs until the close has ended, any
    /// other response in progress is broken.
    func inputEnded(on connection: some InstanceConnection) {
        guard let receiver = connection.receiver else { return }
        connection.receiver = nil
        do {
            if case .end = try parser.inputEnded() {
                receiver.upstreamEnd(reusable: false)
            } else {
                receiver.upstreamBroken(nil)
            }
        } catch {
            receiver.upstreamBroken(error)
        }
    }
}
