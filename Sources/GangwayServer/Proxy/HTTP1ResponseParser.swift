import NIOCore

/// An instance's HTTP/1.1 response as it arrives, one event at a time: the head, body pieces
/// (slices of the bytes read, never copied) and the end. A value-type state machine with no
/// I/O: the connection feeds it what it reads and acts on the events.
///
/// It replaces NIO's general HTTP decoder on instance connections, where only a few headers
/// matter (framing, `Connection`, `Content-Type`) and the rest are relayed as bytes. It is
/// strict where a lax reading would let a response be misframed (conflicting lengths, bad chunk
/// sizes, folded or malformed header lines) and bounded everywhere a peer could make it buffer.
/// Gangway never sends `HEAD` or asks to switch protocols, so neither is handled.
struct HTTP1ResponseParser {
    enum Event {
        case head(UpstreamResponseHead)
        case body(ByteBuffer)
        case end
    }

    /// The head (status line and header lines) may be at most this long.
    static let headLimit = 64 * 1024
    /// A chunk-size line or the trailer section may be at most this long.
    static let lineLimit = 8 * 1024

    fileprivate enum State {
        case head
        case fixedLength(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case complete
        case done
    }

    private var state = State.head
    /// Whether the response has started arriving (any byte of a head was seen).
    private var started = false
    /// Where the heads' field lists come from and go back to, if anywhere.
    var spares: LoopSpares?

    /// Ready for the response to the next request on the connection.
    mutating func expectResponse() {
        state = .head
        started = false
    }

    /// The next event from `buffer`, whose reader index moves past what it used; nil when more
    /// bytes are needed (the unread rest must be given again, followed by the next read) or the
    /// response is complete.
    mutating func next(_ buffer: inout ByteBuffer) throws(UpstreamProtocolError) -> Event? {
        while true {
            switch state {
            case .head:
                if buffer.readableBytes > 0 { started = true }
                guard let head = try parseHead(&buffer) else { return nil }
                if head.status < 200 {
                    // An interim answer (100 Continue and the like); the final head follows.
                    guard head.status != 101 else { throw .invalid("switched protocols unasked") }
                    continue
                }
                state = head.bodyFraming.initialState
                return .head(head)
            case .fixedLength(let remaining):
                guard let (piece, left) = Self.bodyPiece(&buffer, remaining: remaining) else { return nil }
                state = left == 0 ? .complete : .fixedLength(remaining: left)
                return .body(piece)
            case .chunkSize:
                guard let line = try readLine(&buffer, limit: Self.lineLimit) else { return nil }
                let size = try Self.chunkSize(line)
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                guard let (piece, left) = Self.bodyPiece(&buffer, remaining: remaining) else { return nil }
                state = left == 0 ? .chunkDataEnd : .chunkData(remaining: left)
                return .body(piece)
            case .chunkDataEnd:
                guard let line = try readLine(&buffer, limit: 2) else { return nil }
                guard line.readableBytes == 0 else { throw .invalid("chunk longer than its size") }
                state = .chunkSize
            case .trailers:
                // Trailer fields are not relayed (the client's chunked encoding ends with none).
                guard let line = try readLine(&buffer, limit: Self.lineLimit) else { return nil }
                if line.readableBytes == 0 { state = .complete }
            case .untilClose:
                guard buffer.readableBytes > 0 else { return nil }
                return .body(buffer.readSlice(length: buffer.readableBytes)!)
            case .complete:
                state = .done
                return .end
            case .done:
                return nil
            }
        }
    }

    /// The connection closed: the end of a body that runs until close, else an error.
    mutating func inputEnded() throws(UpstreamProtocolError) -> Event? {
        switch state {
        case .untilClose, .complete:
            state = .done
            return .end
        case .done:
            return nil
        case .head where !started:
            throw .init("connection closed before the response")
        default:
            throw .init("connection closed before the response ended")
        }
    }

    /// As much of `remaining` body bytes as `buffer` holds (a slice, not a copy), and how many
    /// are still to come; nil when it holds none.
    private static func bodyPiece(_ buffer: inout ByteBuffer, remaining: Int) -> (ByteBuffer, Int)? {
        guard buffer.readableBytes > 0 else { return nil }
        let length = min(remaining, buffer.readableBytes)
        return (buffer.readSlice(length: length)!, remaining - length)
    }

    // MARK: Lines

    /// One line without its CRLF (a bare LF is accepted too), or nil when its end has not arrived.
    private func readLine(_ buffer: inout ByteBuffer, limit: Int) throws(UpstreamProtocolError) -> ByteBuffer? {
        let view = buffer.readableBytesView
        guard let lf = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if view.count > limit { throw .invalid("line too long") }
            return nil
        }
        let lineLength = lf - view.startIndex
        guard lineLength <= limit else { throw .invalid("line too long") }
        var line = buffer.readSlice(length: lineLength + 1)!
        line.moveWriterIndex(to: line.writerIndex - 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") { line.moveWriterIndex(to: line.writerIndex - 1) }
        return line
    }

    /// `1*HEXDIG [ ";" extensions ]`; extensions are ignored.
    static func chunkSize(_ line: ByteBuffer) throws(UpstreamProtocolError) -> Int {
        var size = 0
        var digits = 0
        for byte in line.readableBytesView {
            guard let value = hexValue(byte) else {
                if digits > 0, byte == UInt8(ascii: ";") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                    break
                }
                throw .invalid("bad chunk size")
            }
            digits += 1
            // 15 hex digits stay far from overflow and far above any real chunk.
            guard digits <= 15 else { throw .invalid("chunk size too large") }
            size = size << 4 | value
        }
        guard digits > 0 else { throw .invalid("bad chunk size") }
        return size
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    // MARK: The head

    /// The head once its blank line has arrived, consumed from `buffer`; nil until then.
    private func parseHead(_ buffer: inout ByteBuffer) throws(UpstreamProtocolError) -> UpstreamResponseHead? {
        guard let length = HTTP1Syntax.headLength(buffer) else {
            if buffer.readableBytes > Self.headLimit { throw .invalid("response head too large") }
            return nil
        }
        guard length <= Self.headLimit else { throw .invalid("response head too large") }
        let bytes = buffer.readSlice(length: length)!
        let head = try UpstreamResponseHead(parsing: bytes, fields: spares?.fields(for: .instanceResponse) ?? [])
        spares?.giveBack(head.fields, from: .instanceResponse)
        return head
    }
}

/// An instance's response broke HTTP/1.1 framing; the connection cannot be trusted further.
struct UpstreamProtocolError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }

    static func invalid(_ what: String) -> Self {
        Self("invalid HTTP response: \(what)")
    }
}

extension UpstreamResponseHead.BodyFraming {
    fileprivate var initialState: HTTP1ResponseParser.State {
        switch self {
        case .none: .complete
        case .length(let length): length == 0 ? .complete : .fixedLength(remaining: length)
        case .chunked: .chunkSize
        case .untilClose: .untilClose
        }
    }
}
