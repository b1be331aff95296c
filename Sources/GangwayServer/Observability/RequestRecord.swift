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
    public let wallClockStart: Date
    private let fields = Mutex(Fields())

    init(requestID: String) {
        self.requestID = requestID
        self.start = .now
        self.wallClockStart = Date()
    }

    func update(_ change: (inout Fields) -> Void) {
        fields.withLock { change(&$0) }
    }

    var snapshot: Fields { fields.withLock { $0 } }
}
