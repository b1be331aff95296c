import NIOCore
import Testing

@testable import GangwayServer

@Suite("Reused buffers and field lists")
struct LoopSparesTests {
    static let allocator = ByteBufferAllocator()

    static func storage(_ buffer: ByteBuffer) -> UnsafeRawPointer? {
        buffer.withVeryUnsafeBytes { UnsafeRawPointer($0.baseAddress) }
    }

    @Test("a buffer given back and no longer held is cleared and used again")
    func reuse() {
        let spares = LoopSpares()
        var first = spares.buffer(for: .instanceRequest, capacity: 512, allocator: Self.allocator)
        first.writeString("POST /v1/chat/completions HTTP/1.1\r\n")
        let firstStorage = Self.storage(first)
        spares.giveBack(first, from: .instanceRequest)
        first = ByteBuffer()  // the writer is done with it

        let second = spares.buffer(for: .instanceRequest, capacity: 256, allocator: Self.allocator)
        #expect(second.readableBytes == 0)
        #expect(second.capacity >= 512)
        #expect(Self.storage(second) == firstStorage)
        // Each use has its own spare.
        let other = spares.buffer(for: .clientResponse, capacity: 256, allocator: Self.allocator)
        #expect(Self.storage(other) != firstStorage)
    }

    @Test("a buffer still held when the next user takes it keeps its bytes; the next user gets new storage")
    func heldBufferIsNotTouched() {
        let spares = LoopSpares()
        var pending = spares.buffer(for: .clientResponse, capacity: 64, allocator: Self.allocator)
        pending.writeString("HTTP/1.1 200 OK\r\n")
        spares.giveBack(pending, from: .clientResponse)  // still held here, as NIO holds an unwritten buffer

        var next = spares.buffer(for: .clientResponse, capacity: 64, allocator: Self.allocator)
        next.writeString("HTTP/1.1 503 Service Unavailable\r\n")
        #expect(Self.storage(next) != Self.storage(pending))
        #expect(pending.readString(length: pending.readableBytes) == "HTTP/1.1 200 OK\r\n")
    }

    @Test("a buffer larger than the kept capacity, or a field list longer than the kept count, is let go")
    func largeBuffersAreNotKept() {
        let spares = LoopSpares()
        var large = Self.allocator.buffer(capacity: LoopSpares.keptCapacity * 2)
        large.writeRepeatingByte(0x41, count: LoopSpares.keptCapacity * 2)
        let largeStorage = Self.storage(large)
        spares.giveBack(large, from: .instanceRequest)
        large = ByteBuffer()
        let next = spares.buffer(for: .instanceRequest, capacity: 16, allocator: Self.allocator)
        #expect(next.capacity < LoopSpares.keptCapacity)
        #expect(Self.storage(next) != largeStorage)

        let field = HTTP1Field(name: 0..<1, value: 2..<3)
        spares.giveBack(Array(repeating: field, count: LoopSpares.keptFieldCount + 1), from: .instanceResponse)
        #expect(spares.fields(for: .instanceResponse).capacity == 0)
    }

    static func storage(_ fields: [HTTP1Field]) -> UnsafeRawPointer? {
        fields.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    @Test("a field list is reused once its head is gone, and never changed under a head still held")
    func fieldLists() {
        let spares = LoopSpares()
        var held = spares.fields(for: .clientRequest)
        held.append(HTTP1Field(name: 0..<4, value: 6..<9))
        spares.giveBack(held, from: .clientRequest)  // its head is still using it

        var next = spares.fields(for: .clientRequest)
        #expect(next.isEmpty)
        next.append(HTTP1Field(name: 10..<12, value: 14..<15))
        #expect(held.map(\.name) == [0..<4])
        #expect(Self.storage(next) != Self.storage(held))

        spares.giveBack(next, from: .clientRequest)
        let nextStorage = Self.storage(next)
        next = []  // that head is gone
        let reused = spares.fields(for: .clientRequest)
        #expect(reused.isEmpty)
        #expect(Self.storage(reused) == nextStorage)
        // The other use has a list of its own.
        #expect(Self.storage(spares.fields(for: .instanceResponse)) != nextStorage)
    }

    @Test("heads parsed into reused lists read the same as heads parsed into new ones")
    func parsingIntoReusedLists() throws {
        let spares = LoopSpares()
        let long = ByteBuffer(string: "POST /a HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nContent-Length: 2\r\n\r\n")
        let short = ByteBuffer(string: "GET /b HTTP/1.1\r\nAccept: */*\r\n\r\n")
        for bytes in [long, short, long] {
            let reused = try #require(ClientRequestHead(parsing: bytes, fields: spares.fields(for: .clientRequest)))
            spares.giveBack(reused.fields, from: .clientRequest)
            let fresh = try #require(ClientRequestHead(parsing: bytes))
            #expect(reused.fields.map(\.name) == fresh.fields.map(\.name))
            #expect(reused.fields.map(\.value) == fresh.fields.map(\.value))
            #expect(reused.contentLength == fresh.contentLength && reused.target == fresh.target)
        }
        let response = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n")
        for _ in 0..<2 {
            let reused = try UpstreamResponseHead(parsing: response, fields: spares.fields(for: .instanceResponse))
            spares.giveBack(reused.fields, from: .instanceResponse)
            #expect(reused.fields.count == 2 && reused.bodyFraming == .length(5))
        }
    }
}
