public import NIOCore
import NIOPosix

/// A bare TCP connection that speaks HTTP/1.1 by hand, for what a normal client hides: the
/// chunk boundaries of a response, connection reuse, and hanging up in the middle of a stream.
public final class RawHTTPConnection {
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    /// Everything received so far.
    public private(set) var received = ByteBuffer()
    public private(set) var isClosedByServer = false

    private init(outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, inbound: NIOAsyncChannelInboundStream<ByteBuffer>) {
        self.outbound = outbound
        self.inbound = inbound.makeAsyncIterator()
    }

    /// Connects, runs `body`, then closes the connection from the client side.
    public static func with<Value: Sendable>(port: Int, _ body: (RawHTTPConnection) async throws -> Value) async throws -> Value {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "localhost", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(RawHTTPConnection(outbound: outbound, inbound: inbound))
        }
    }

    public static func post(_ path: String, json: String, headers: [String] = []) -> String {
        let lines = ["POST \(path) HTTP/1.1", "Host: localhost", "Content-Type: application/json", "Content-Length: \(json.utf8.count)"] + headers
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + json
    }

    public static func get(_ path: String) -> String {
        "GET \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n"
    }

    public func send(_ text: String) async throws {
        try await self.outbound.write(ByteBuffer(string: text))
    }

    /// Reads until `done` holds for what was received, or the server closes.
    public func read(until done: (ByteBuffer) -> Bool) async throws {
        while !done(self.received) {
            guard var chunk = try await self.inbound.next() else {
                self.isClosedByServer = true
                return
            }
            self.received.writeBuffer(&chunk)
        }
    }

    /// Reads one complete response and removes it from `received`.
    public func readResponse() async throws -> RawHTTPResponse {
        try await self.read(until: { RawHTTPResponse(parsing: $0) != nil })
        guard let response = RawHTTPResponse(parsing: self.received) else {
            throw IncompleteResponse(received: String(buffer: self.received))
        }
        self.received.moveReaderIndex(forwardBy: response.byteCount)
        return response
    }
}

/// One HTTP/1.1 response with its body chunks as they were framed on the wire.
public struct RawHTTPResponse: Sendable {
    public var statusLine: String
    /// Header lines as `name: value`, names lower-cased.
    public var headers: [String]
    public var chunks: [[UInt8]]
    public var byteCount: Int

    public var body: [UInt8] { self.chunks.flatMap { $0 } }

    public func header(_ name: String) -> String? {
        self.headers.first(where: { $0.hasPrefix(name + ": ") }).map { String($0.dropFirst(name.count + 2)) }
    }

    /// Parses a complete response at the start of `buffer`; nil while it is incomplete.
    public init?(parsing buffer: ByteBuffer) {
        let bytes = Array(buffer.readableBytesView)
        guard let headEnd = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let lines = String(decoding: bytes[..<headEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        self.statusLine = lines[0]
        self.headers = lines.dropFirst().map { line in
            let name = line.prefix(while: { $0 != ":" })
            return name.lowercased() + line.dropFirst(name.count)
        }
        var index = headEnd.upperBound
        self.chunks = []
        if let length = self.headers.first(where: { $0.hasPrefix("content-length: ") }).flatMap({ Int($0.dropFirst(16)) }) {
            guard bytes.count >= index + length else { return nil }
            self.chunks = [Array(bytes[index..<index + length])]
            index += length
        } else {
            while true {
                guard let sizeEnd = bytes[index...].firstRange(of: Array("\r\n".utf8)),
                    let size = Int(String(decoding: bytes[index..<sizeEnd.lowerBound], as: UTF8.self), radix: 16)
                else { return nil }
                let dataStart = sizeEnd.upperBound
                guard bytes.count >= dataStart + size + 2 else { return nil }
                index = dataStart + size + 2
                if size == 0 { break }
                self.chunks.append(Array(bytes[dataStart..<dataStart + size]))
            }
        }
        self.byteCount = index
    }
}

/// The server closed before a whole response arrived.
public struct IncompleteResponse: Error, CustomStringConvertible {
    public let received: String
    public var description: String { "incomplete response: \(received)" }
}
