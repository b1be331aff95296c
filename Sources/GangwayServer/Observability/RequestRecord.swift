public import Foundation
import Synchronization

/// What one request did, filled in as it passes through the gateway and written as one
/// access-log line when its response is complete. Holds no token, secret or header value.
public final class RequestRecord: Sendable {
    public struct Fields: Sendable {
        public var principalARN: String?
        public var accessKeyID: String?
        public var endpoint: String?
        public var component: String?
        public var instance: String?
        public var status: Int = 0
        public var bytesIn = 0
        public var bytesOut = 0
        public var timeToFirstByte: Duration?
        public var promptTokens: Int?
        public var completionTokens: Int?
        public var error: String?
    }

    public let requestID: String
    public let start: ContinuousClock.Instant
    private let fields: Mutex<Fields>

    convenience init(requestID: String, start: ContinuousClock.Instant = .now) {
        self.init(requestID: requestID, start: start, fields: Fields())
    }

    /// A record of a request whose fields were gathered elsewhere.
    init(requestID: String, start: ContinuousClock.Instant, fields: consuming Fields) {
        self.requestID = requestID
        self.start = start
        self.fields = Mutex(fields)
    }

    /// When the request started by the wall clock, worked out when asked (for the access log)
    /// so that a request with the log off reads one clock, not two.
    public var wallClockStart: Date {
        let elapsed = ContinuousClock.now - start
        return Date(timeIntervalSinceNow: -Double(elapsed.components.seconds) - Double(elapsed.components.attoseconds) * 1e-18)
    }

    func update(_ change: (inout Fields) -> Void) {
        fields.withLock { change(&$0) }
    }

    var snapshot: Fields { fields.withLock { $0 } }
}
