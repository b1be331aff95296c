import NIOCore

/// A client connection whose plain OpenAI-path requests are read straight from its bytes:
/// ``FastRequestHandler`` on NIO's loops, ``WireClientConnection`` on the wire transport's.
protocol ClientRequestHost: ExchangeHost {
    /// Gives the connection, from the reader's unread bytes on, to NIO's HTTP/1 decoder for good.
    func handOver()
    /// Closes the connection (after sending what was written).
    func closeConnection()
    /// An exchange for the request, answering on this connection.
    func makeExchange(_ head: consuming ClientRequestHead, route: ResolvedTarget) -> ProxyExchange
}

/// Cuts a client connection's bytes into requests: each head is parsed
/// (``ClientRequestHead``) and routed, and its body fed to the request's ``ProxyExchange``.
///
/// At the first head it does not take (another path, a chunked body, `Expect`, anything
/// malformed) the host hands the connection to NIO's decoder from that head's first byte on. A
/// head is read only once the exchange before it has answered, so every byte is framed by
/// exactly one parser and answers keep the order of requests. A class: an exchange may end,
/// and the next request be read, while the bytes of the last are still being handed out.
final class ClientRequestReader {
    /// Bytes held for later (pipelined requests, or a hand-over waiting for an answer) beyond
    /// this mean a client that is not waiting for answers; it is disconnected.
    static let heldLimit = 1 << 20
    /// A head not complete within this many bytes is left to NIO's decoder (which has limits).
    static let headLimit = 80 * 1024

    let forwarder: OpenAIForwarder
    /// Received and not yet read: the rest of a head, a body, pipelined requests.
    private(set) var unread: ByteBuffer?
    private(set) var exchange: ProxyExchange?
    /// Body bytes of the current request still to come.
    private var bodyRemaining = 0
    private var processing = false
    /// Closed, or handed to NIO's decoder: nothing more is read here.
    private(set) var stopped = false
    /// Graceful shutdown: close once the exchange in progress has ended.
    var closeWhenIdle = false
    private var routeMemo: OpenAIForwarder.RouteMemo?
    var spares: LoopSpares?

    init(forwarder: OpenAIForwarder) {
        self.forwarder = forwarder
    }

    /// Takes bytes from the connection and reads what requests they complete.
    func received(_ bytes: ByteBuffer, host: some ClientRequestHost) {
        guard !stopped else { return }
        if unread == nil || unread!.readableBytes == 0 {
            unread = bytes
        } else {
            var bytes = bytes
            unread!.writeBuffer(&bytes)
        }
        readRequests(host)
    }

    /// Reads heads and bodies from `unread` for as long as there is an exchange to feed or a
    /// head to start one.
    func readRequests(_ host: some ClientRequestHost) {
        guard !processing else { return }
        processing = true
        defer { processing = false }
        while !stopped, var bytes = unread, bytes.readableBytes > 0 {
            if let exchange {
                guard bodyRemaining > 0 else {
                    // The request was read whole; anything more waits for its answer.
                    if bytes.readableBytes > Self.heldLimit { stop(closing: host) }
                    return
                }
                let length = min(bodyRemaining, bytes.readableBytes)
                let piece = bytes.readSlice(length: length)!
                unread = bytes
                bodyRemaining -= length
                exchange.receive(.body(piece))
                if bodyRemaining == 0 { endRequest(exchange) }
                continue
            }
            guard let headLength = HTTP1Syntax.headLength(bytes) else {
                if bytes.readableBytes > Self.headLimit { handOver(host) }
                return
            }
            let headBytes = bytes.getSlice(at: bytes.readerIndex, length: headLength)!
            guard let head = ClientRequestHead(parsing: headBytes, fields: spares?.fields(for: .clientRequest) ?? [])
            else {
                handOver(host)
                return
            }
            spares?.giveBack(head.fields, from: .clientRequest)
            guard let route = forwarder.route(head, memo: &routeMemo) else {
                handOver(host)
                return
            }
            bytes.moveReaderIndex(forwardBy: headLength)
            unread = bytes
            let contentLength = head.contentLength
            // Consumed: a copy would retain (and later release) each of the head's references.
            let exchange = host.makeExchange(consume head, route: route)
            self.exchange = exchange
            bodyRemaining = contentLength
            exchange.start()
            if contentLength == 0, self.exchange === exchange { endRequest(exchange) }
        }
    }

    /// The request has been read whole: the exchange admits it (and may answer at once).
    private func endRequest(_ exchange: ProxyExchange) {
        exchange.receive(.end(nil))
        // Answered already (an error, or the client is gone): the connection moves on.
        if exchange.isFinished, self.exchange === exchange { self.exchange = nil }
    }

    /// From here on NIO's decoder reads the connection, starting with the bytes held (no
    /// exchange is in progress: a head is read only after the previous answer).
    private func handOver(_ host: some ClientRequestHost) {
        stopped = true
        host.handOver()
    }

    /// The bytes not yet read, taken by the host handing the connection over.
    func takeUnread() -> ByteBuffer? {
        defer { unread = nil }
        return unread
    }

    /// The exchange in progress, if any, learns of the close as the client's going away.
    private func stop(closing host: some ClientRequestHost) {
        stopped = true
        host.closeConnection()
    }

    /// The exchange's response has ended (or the client is gone): the connection closes, or
    /// reads the next request once this one's body has been read.
    func exchangeEnded(_ ended: ProxyExchange, closeConnection: Bool, host: some ClientRequestHost) {
        guard ended === exchange, !stopped else { return }
        if closeConnection || closeWhenIdle {
            exchange = nil
            stop(closing: host)
            return
        }
        // Still receiving its body: the rest is read and dropped before the next request.
        guard ended.requestEnded else { return }
        exchange = nil
        readRequests(host)
    }

    /// The client went away.
    func clientClosed() {
        stopped = true
        exchange?.clientClosed()
        exchange = nil
        unread = nil
    }
}
