import Foundation
import GangwayCore
import Synchronization
import HTTPTypes
import Hummingbird
import NIOCore

/// Gives every request an id (`x-amzn-RequestId` on the response, `requestId` in log lines)
/// and a record, and writes the access-log line once the response has been fully written,
/// streams included.
struct ObservabilityMiddleware: RouterMiddleware {
    typealias Context = GangwayRequestContext
    let accessLog: AccessLog
    static let requestIDHeader = HTTPField.Name("x-amzn-RequestId")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let record = RequestRecord(requestID: RequestID.make())
        var context = context
        context.record = record
        context.logger[metadataKey: "requestId"] = .string(record.requestID)
        if let length = request.headers[.contentLength].flatMap(Int.init) {
            record.update { $0.bytesIn = length }
        }
        var response = try await next(request, context)
        response.headers[Self.requestIDHeader] = record.requestID
        let status = Int(response.status.code)
        record.update { if $0.status == 0 { $0.status = status } }
        let method = request.method.rawValue
        let path = request.uri.path
        let client = context.remoteAddress
        let accessLog = self.accessLog
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            do {
                try await body.write(writer)
            } catch {
                record.update { $0.error = $0.error ?? "client write failed" }
                accessLog.write(record, method: method, path: path, client: client, end: .now)
                throw error
            }
            accessLog.write(record, method: method, path: path, client: client, end: .now)
        }
        return response
    }
}

/// Request ids: 128 random bits in the UUID layout AWS uses for `x-amzn-RequestId`
/// (lower-case hex, 8-4-4-4-12), written straight into one string.
enum RequestID {
    /// Random per process, so ids from different runs and replicas do not collide.
    private static let seed: (high: UInt64, low: UInt64) = {
        var system = SystemRandomNumberGenerator()
        return (system.next(), system.next())
    }()
    private static let counter = Atomic<UInt64>(0)

    /// Unique within the process (a counter through a bijective mix, no system call per id)
    /// and unpredictable-looking across processes.
    static func make() -> String {
        let sequence = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return make(high: SplitMix64.mix(seed.high &+ sequence), low: SplitMix64.mix(seed.low ^ sequence))
    }

    /// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`: `high` gives the first 16 digits, `low` the rest.
    static func make(high: UInt64, low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { out in
            let digits: StaticString = "0123456789abcdef"
            var index = 0
            func write(_ word: UInt64, dashBefore first: Int, _ second: Int) {
                for nibble in 0..<16 {
                    if nibble == first || nibble == second {
                        out[index] = UInt8(ascii: "-")
                        index += 1
                    }
                    out[index] = digits.utf8Start[Int((word >> UInt64(60 - 4 * nibble)) & 0xF)]
                    index += 1
                }
            }
            write(high, dashBefore: 8, 12)
            write(low, dashBefore: 0, 4)
            return index
        }
    }
}
