import HTTPTypes
import Hummingbird
import NIOCore

/// An error on the SageMaker runtime paths, in SageMaker's wire shape: a JSON body with
/// `Message` (and `ErrorCode`, or `OriginalStatusCode`/`OriginalMessage`/`LogStreamArn` for a
/// `ModelError`) and the error's name in `x-amzn-errortype`, where AWS SDKs look for it.
///
/// Like ``GatewayError``, its message never carries a secret or an internal detail.
struct SageMakerError: Error, Sendable, Equatable, CustomStringConvertible {
    var status: HTTPResponse.Status
    /// The SDK exception name: `ValidationError`, `ModelError`, `ServiceUnavailable`, ...
    var type: String
    var message: String
    /// SageMaker's finer `ErrorCode`, such as `INFERENCE_COMPONENT_NAME_MISSING`.
    var errorCode: String? = nil
    /// For a `ModelError`: what the model instance itself answered.
    var originalStatusCode: Int? = nil
    var originalMessage: String? = nil
    var logStreamARN: String? = nil

    var description: String { "\(status.code) \(type): \(message)" }

    /// The JSON body, members in a fixed order and absent ones left out.
    func jsonBody() -> ByteBuffer {
        var json = "{"
        if let errorCode { json += #""ErrorCode":\#(JSONString.quoted(errorCode)),"# }
        if let logStreamARN { json += #""LogStreamArn":\#(JSONString.quoted(logStreamARN)),"# }
        json += #""Message":\#(JSONString.quoted(message))"#
        if let originalMessage { json += #","OriginalMessage":\#(JSONString.quoted(originalMessage))"# }
        if let originalStatusCode { json += #","OriginalStatusCode":\#(originalStatusCode)"# }
        json += "}"
        return ByteBuffer(string: json)
    }
}

extension SageMakerError: HTTPResponseError {
    static let errorTypeHeader = HTTPField.Name("x-amzn-errortype")!

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json", Self.errorTypeHeader: type],
            body: .init(byteBuffer: jsonBody()))
    }
}

extension HTTPResponse.Status {
    /// 424, SageMaker's status for a `ModelError`.
    static let modelErrorStatus = HTTPResponse.Status(code: 424, reasonPhrase: "Failed Dependency")
}
