import Hummingbird
import NIOCore

/// Collects a request body up to a limit. A declared length over the limit is refused before a
/// byte of the body is read; each API renders ``Exceeded`` in its own error shape.
enum BodyLimit {
    struct Exceeded: Error {
        let limit: Int
    }

    static func collect(_ request: inout Request, limit: Int) async throws -> ByteBuffer {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw Exceeded(limit: limit)
        }
        do {
            return try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Exceeded(limit: limit)
        } catch is NIOTooManyBytesError {
            throw Exceeded(limit: limit)
        }
    }
}
