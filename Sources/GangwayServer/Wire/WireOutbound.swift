import Glibc
import NIOCore

/// Bytes queued for a non-blocking socket, written with one `write` (or `writev` for several
/// buffers) per flush; what the socket does not take waits for it to become writable again.
struct WireOutbound {
    private var pending: [ByteBuffer] = []
    /// Bytes queued and not yet written.
    private(set) var count = 0

    /// Above this many queued bytes the connection counts as not writable, and again as
    /// writable below the low mark (NIO's default marks).
    static let highWaterMark = 64 * 1024
    static let lowWaterMark = 32 * 1024
    /// Buffers handed to one `writev`.
    private static let batch = 16

    var isEmpty: Bool { pending.isEmpty }

    mutating func append(_ bytes: ByteBuffer) {
        guard bytes.readableBytes > 0 else { return }
        pending.append(bytes)
        count += bytes.readableBytes
    }

    enum Result {
        /// Everything queued was written.
        case done
        /// The socket's buffer is full: write again once it is writable.
        case blocked
        /// The socket failed (errno): the peer is gone.
        case failed(CInt)
    }

    /// Writes what the socket takes.
    mutating func write(to descriptor: CInt) -> Result {
        while !pending.isEmpty {
            let written: Int
            if pending.count == 1 {
                written = pending[0].withUnsafeReadableBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            } else {
                written = writeVector(descriptor)
            }
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                return code == EAGAIN || code == EWOULDBLOCK ? .blocked : .failed(code)
            }
            consume(written)
            if written == 0 { return .blocked }
        }
        pending.removeAll(keepingCapacity: true)
        return .done
    }

    private func writeVector(_ descriptor: CInt) -> Int {
        let used = min(pending.count, Self.batch)
        return withUnsafeTemporaryAllocation(of: iovec.self, capacity: used) { vectors in
            // The buffers stay alive, and their storage in place, for the call: `pending` is not
            // changed until it returns.
            for index in 0..<used {
                pending[index].withUnsafeReadableBytes { bytes in
                    vectors[index] = iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count)
                }
            }
            return writev(descriptor, vectors.baseAddress, CInt(used))
        }
    }

    private mutating func consume(_ written: Int) {
        count -= written
        var left = written
        var done = 0
        while left > 0 {
            let size = pending[done].readableBytes
            if left >= size {
                left -= size
                done += 1
            } else {
                pending[done].moveReaderIndex(forwardBy: left)
                left = 0
            }
        }
        if done > 0 { pending.removeFirst(done) }
    }

    /// Drops what is queued (the socket is gone).
    mutating func discard() {
        pending.removeAll()
        count = 0
    }
}
