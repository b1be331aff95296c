import GangwayCore
import Testing

@Suite("Event-stream framing")
struct EventStreamEncoderTests {
    @Test("CRC-32 matches zlib", arguments: EventStreamVectors.checksums)
    func crc32(_ vector: CRC32Vector) {
        #expect(CRC32.checksum(vector.input) == vector.checksum)
    }

    @Test("CRC-32 fed in pieces equals CRC-32 of the whole", arguments: EventStreamVectors.checksums)
    func crc32InPieces(_ vector: CRC32Vector) {
        let input = vector.input
        var crc = CRC32()
        var index = 0
        var piece = 1
        while index < input.count {
            let end = min(input.count, index + piece)
            input[index..<end].withUnsafeBytes { crc.update($0) }
            index = end
            piece += 2
        }
        #expect(crc.checksum == vector.checksum)
    }

    @Test("messages match botocore-checked known answers", arguments: EventStreamVectors.messages)
    func message(_ vector: EventStreamVector) {
        let encoder = EventStreamEncoder(headers: vector.headers.map { EventStreamHeader($0.0, $0.1) })
        let payload = vector.payload
        #expect(encoder.messageLength(payloadBytes: payload.count) == vector.message.count)
        #expect(encoder.encode(payload: payload) == vector.message)
    }

    @Test("encoding into a larger buffer writes exactly one message", arguments: EventStreamVectors.messages)
    func encodeInto(_ vector: EventStreamVector) {
        let encoder = EventStreamEncoder(headers: vector.headers.map { EventStreamHeader($0.0, $0.1) })
        let payload = vector.payload
        var output = [UInt8](repeating: 0xAA, count: vector.message.count + 8)
        let written = output.withUnsafeMutableBytes { out in
            payload.withUnsafeBytes { encoder.encode(payload: $0, into: out) }
        }
        #expect(written == vector.message.count)
        #expect(Array(output[..<written]) == vector.message)
        #expect(output[written...].allSatisfy { $0 == 0xAA })
    }

    @Test("the SageMaker encoders carry SageMaker's headers")
    func sageMakerEncoders() {
        let payloadPart = EventStreamVectors.messages.first { $0.name == "PayloadPart, ASCII" }!
        #expect(EventStreamEncoder.payloadPart.encode(payload: payloadPart.payload) == payloadPart.message)
        let failure = EventStreamVectors.messages.first { $0.name == "InternalStreamFailure" }!
        #expect(EventStreamEncoder.exception("InternalStreamFailure").encode(payload: failure.payload) == failure.message)
    }

    @Test("prelude fields and both checksums sit where readers expect them")
    func layout() {
        let payload = Array("hello".utf8)
        let message = EventStreamEncoder.payloadPart.encode(payload: payload)
        func word(_ offset: Int) -> UInt32 {
            message[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
        }
        #expect(Int(word(0)) == message.count)
        #expect(Int(word(4)) == EventStreamEncoder.payloadPart.headerBytes.count)
        #expect(word(8) == CRC32.checksum(message[0..<8]))
        #expect(word(message.count - 4) == CRC32.checksum(message.dropLast(4)))
        #expect(Array(message[(message.count - 4 - payload.count)..<(message.count - 4)]) == payload)
    }
}
