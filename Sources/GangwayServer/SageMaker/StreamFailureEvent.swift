import GangwayCore
import NIOCore

/// The exception event that ends a stream which failed after it started.
struct StreamFailureEvent: Sendable, Equatable {
    var type: String
    var message: String
    var errorCode: String?

    init(type: String, message: String, errorCode: String?) {
        self.type = type
        self.message = message
        self.errorCode = errorCode
    }

    init(_ failure: RelayFailure) {
        switch failure {
        case .idleTimeout, .totalTimeout:
            self.init(type: "ModelStreamError", message: failure.publicMessage, errorCode: "ModelInvocationTimeExceeded")
        case .upstreamBroken:
            self.init(type: "ModelStreamError", message: failure.publicMessage, errorCode: "StreamBroken")
        }
    }

    static let internalFailure = StreamFailureEvent(
        type: "InternalStreamFailure", message: "Gangway failed while streaming the response. The failure was logged.",
        errorCode: nil)

    func encoded() -> ByteBuffer {
        var json = #"{"Message":\#(JSONString.quoted(message))"#
        if let errorCode { json += #","ErrorCode":\#(JSONString.quoted(errorCode))"# }
        json += "}"
        return EventStreamBodyWriter.frame(ByteBuffer(string: json), with: .exception(type))
    }
}
