import NIOCore
import Testing

@testable import GangwayServer

/// What the parser made of a response given in pieces.
private struct Parsed {
    var status: Int?
    var framing: UpstreamResponseHead.BodyFraming?
    var keepAlive: Bool?
    var isEventStream: Bool?
    var body = ""
    var ended = false
    /// Bytes left unread after the response ended.
    var leftover = 0
}

/// Feeds `pieces` one read at a time, as the connection handler does (unread bytes are
/// given again in front of the next read), then the connection's close if `closes`.
private func parse(_ pieces: [String], closes: Bool = false) throws(UpstreamProtocolError) -> Parsed {
    var parser = HTTP1ResponseParser()
    var parsed = Parsed()
    var unread = ByteBuffer()
    func take(_ event: HTTP1ResponseParser.Event) {
        switch event {
        case .head(let head):
            parsed.status = head.status
            parsed.framing = head.bodyFraming
            parsed.keepAlive = head.keepAlive
            parsed.isEventStream = head.isEventStream
        case .body(let piece): parsed.body += String(buffer: piece)
        case .end: parsed.ended = true
        }
    }
    for piece in pieces {
        unread.writeString(piece)
        while let event = try parser.next(&unread) { take(event) }
    }
    if closes, let event = try parser.inputEnded() { take(event) }
    parsed.leftover = unread.readableBytes
    return parsed
}

/// Every way of cutting `text` in two.
private func splits(_ text: String) -> [[String]] {
    let bytes = Array(text.utf8)
    return (0...bytes.count).map { cut in
        [String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self)]
    }
}

@Suite("Instance responses parsed as bytes")
struct HTTP1ResponseParserTests {
    @Test("a response with a length, cut at every byte, parses the same")
    func lengthAtEveryCut() throws {
        let response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}"
        for pieces in splits(response) {
            let parsed = try parse(pieces)
            #expect(parsed.status == 200)
            #expect(parsed.framing == .length(11))
            #expect(parsed.keepAlive == true)
            #expect(parsed.body == #"{"ok":true}"#)
            #expect(parsed.ended)
        }
    }

    @Test("a chunked stream with extensions and trailers, cut at every byte, parses the same")
    func chunkedAtEveryCut() throws {
        let response =
            "HTTP/1.1 200 OK\r\ncontent-type: Text/Event-Stream; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "6\r\ndata: \r\n9;name=value\r\n{\"a\":1}\n\n\r\n0\r\nX-Trailer: 1\r\n\r\n"
        for pieces in splits(response) {
            let parsed = try parse(pieces)
            #expect(parsed.framing == .chunked)
            #expect(parsed.isEventStream == true)
            #expect(parsed.body == "data: {\"a\":1}\n\n")
            #expect(parsed.ended)
            #expect(parsed.leftover == 0)
        }
    }

    @Test("a body without a length runs until the connection closes, and the connection is not reused")
    func untilClose() throws {
        let parsed = try parse(["HTTP/1.1 200 OK\r\n\r\nsome ", "bytes"], closes: true)
        #expect(parsed.framing == .untilClose)
        #expect(parsed.keepAlive == false)
        #expect(parsed.body == "some bytes")
        #expect(parsed.ended)
    }

    @Test("interim 100 answers are skipped; 204 and 304 have no body; bare LF line ends are read")
    func noBody() throws {
        let interim = try parse(["HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nX: y\r\n\r\n"])
        #expect(interim.status == 204)
        #expect(interim.framing == UpstreamResponseHead.BodyFraming.none)
        #expect(interim.ended)
        let notModified = try parse(["HTTP/1.1 304 Not Modified\nContent-Length: 5\n\n"])
        #expect(notModified.framing == UpstreamResponseHead.BodyFraming.none)
        #expect(notModified.ended)
    }

    @Test(
        "connection reuse follows the version and Connection tokens",
        arguments: [
            ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true),
            ("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false),
            ("HTTP/1.0 200 OK\r\nconnection: keep-alive\r\nContent-Length: 0\r\n\r\n", true),
            // A length and a coding together: the coding frames the body, the connection is dropped.
            ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", false),
        ])
    func reuse(response: String, reusable: Bool) throws {
        let parsed = try parse([response])
        #expect(parsed.keepAlive == reusable)
        #expect(parsed.ended)
    }

    @Test("bytes after the response are left unread for the connection to refuse")
    func leftover() throws {
        let parsed = try parse(["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n"])
        #expect(parsed.body == "ok")
        #expect(parsed.ended)
        #expect(parsed.leftover == 17)
    }

    @Test(
        "responses that could be misframed are refused with a reason",
        arguments: [
            ("HTTP/2 200 OK\r\n\r\n", "bad status line"),
            ("HTTP/1.1 20 OK\r\n\r\n", "bad status code"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "conflicting Content-Length headers"),
            ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad Content-Length"),
            ("HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n", "folded header line"),
            ("HTTP/1.1 200 OK\r\nX-A : 1\r\n\r\n", "bad header name"),
            ("HTTP/1.1 200 OK\r\nX-A: 1\u{0}2\r\n\r\n", "control character in a header value"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", "chunk longer than its size"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", "chunk size too large"),
            ("HTTP/1.1 101 Switching Protocols\r\n\r\n", "switched protocols unasked"),
        ])
    func refused(response: String, reason: String) {
        #expect(throws: UpstreamProtocolError.self) { try parse([response]) }
        do {
            _ = try parse([response])
        } catch {
            #expect(error.description == "invalid HTTP response: \(reason)")
        }
    }

    @Test("a head or chunk-size line that never ends is refused once past its limit")
    func bounded() {
        let endlessHead = "HTTP/1.1 200 OK\r\nX-Long: " + String(repeating: "a", count: HTTP1ResponseParser.headLimit)
        #expect(throws: UpstreamProtocolError.self) { try parse([endlessHead]) }
        let endlessLine =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;"
            + String(repeating: "x", count: HTTP1ResponseParser.lineLimit)
        #expect(throws: UpstreamProtocolError.self) { try parse([endlessLine]) }
    }

    @Test("a connection that closes early says whether anything had arrived")
    func closedEarly() {
        for (pieces, message) in [
            ([String](), "connection closed before the response"),
            (["HTTP/1.1 200 OK\r\n"], "connection closed before the response ended"),
            (["HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"], "connection closed before the response ended"),
        ] {
            do {
                _ = try parse(pieces, closes: true)
                Issue.record("no error for \(pieces)")
            } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test("control characters are found eight bytes at a time exactly as one at a time")
    func controlCharacters() {
        func expected(_ bytes: [UInt8]) -> Bool { bytes.contains { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F } }
        // Every byte value at every position of a 19-byte value (two words and a tail), among
        // bytes just above and below the edges.
        for filler: UInt8 in [0x20, 0x7E, 0x80, 0xFF, 0x09] {
            for position in 0..<19 {
                for value in UInt8.min...UInt8.max {
                    var bytes = [UInt8](repeating: filler, count: 19)
                    bytes[position] = value
                    let found = bytes.withUnsafeBytes { HTTP1Syntax.hasControlCharacter($0, 0..<19) }
                    #expect(found == expected(bytes), "byte \(value) at \(position) among \(filler)")
                }
            }
        }
        let offset = Array("xx\u{1}abcdefgh".utf8)
        #expect(offset.withUnsafeBytes { HTTP1Syntax.hasControlCharacter($0, 3..<offset.count) } == false)
    }

    @Test("chunk sizes and decimals are written as HTTP/1.1 wants them")
    func writer() {
        var buffer = ByteBuffer()
        HTTP1Writer.writeChunkSize(0x1A2F, into: &buffer)
        HTTP1Writer.writeChunkSize(1, into: &buffer)
        HTTP1Writer.writeContentLength(0, into: &buffer)
        HTTP1Writer.writeContentLength(1_234_567, into: &buffer)
        #expect(String(buffer: buffer) == "1a2f\r\n1\r\ncontent-length: 0\r\ncontent-length: 1234567\r\n")
    }
}

@Suite("Client request heads read as bytes")
struct ClientRequestHeadTests {
    private func head(_ text: String) -> ClientRequestHead? {
        ClientRequestHead(parsing: ByteBuffer(string: text))
    }

    @Test("a plain request is taken with its method, target, length and reuse")
    func plain() throws {
        let post = try #require(
            head("POST /endpoints/e/openai/v1/chat/completions?x=1 HTTP/1.1\r\nHost: h\r\ncontent-LENGTH: 12\r\n"
                + "Authorization: Bearer abc\r\nConnection: close\r\n\r\n"))
        #expect(post.method == .POST)
        #expect(post.target == "/endpoints/e/openai/v1/chat/completions?x=1")
        #expect(post.contentLength == 12)
        #expect(post.keepAlive == false)
        #expect(post.soleValue("authorization") == .one("Bearer abc"))
        #expect(post.soleValue("x-missing") == .none)
        let twice = try #require(head("GET /a HTTP/1.1\r\nAuthorization: a\r\nauthorization: b\r\n\r\n"))
        #expect(twice.soleValue("authorization") == .several)
        let get = try #require(head("GET /a HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"))
        #expect(get.version == .http1_0)
        #expect(get.keepAlive)
        #expect(get.contentLength == 0)
        #expect(head("GET /a HTTP/1.0\r\n\r\n")?.keepAlive == false)
    }

    @Test(
        "anything but a plain request is left to NIO's decoder",
        arguments: [
            "HEAD /a HTTP/1.1\r\n\r\n",  // a method the OpenAI paths never take
            "get /a HTTP/1.1\r\n\r\n",
            "GET http://h/a HTTP/1.1\r\n\r\n",  // absolute form
            "GET /a HTTP/2.0\r\n\r\n",
            "GET /a HTTP/1.1\n\n",  // bare LF
            "GET /a  HTTP/1.1\r\n\r\n",
            "GET /\u{E9} HTTP/1.1\r\n\r\n",  // non-ASCII target
            "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "POST /a HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
            "POST /a HTTP/1.1\r\nContent-Length: 3x\r\n\r\n",
            "POST /a HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",
            "GET /a HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
            "GET /a HTTP/1.1\r\nX-A : 1\r\n\r\n",
            "GET /a HTTP/1.1\r\nX-A: 1\r\n 2\r\n\r\n",
            "GET /a HTTP/1.1\r\nX-A: 1\r2\r\n\r\n",
        ])
    func leftToNIO(text: String) {
        #expect(head(text) == nil)
    }
}
