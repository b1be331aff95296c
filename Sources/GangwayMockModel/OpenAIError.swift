import Hummingbird

/// An error answered in OpenAI's envelope:
/// `{"error":{"message":"...","type":"...","param":null,"code":null}}`.
struct OpenAIError: HTTPResponseError, Equatable {
    var status: HTTPResponse.Status
    var message: String
    var type: String
    var param: String?
    var code: String?
    /// Extra response headers, such as `Retry-After`.
    var headers: HTTPFields

    init(
        status: HTTPResponse.Status,
        message: String,
        type: String? = nil,
        param: String? = nil,
        code: String? = nil,
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.message = message
        self.type = type ?? Self.defaultType(for: status)
        self.param = param
        self.code = code
        self.headers = headers
    }

    static func invalidRequest(_ message: String, param: String? = nil) -> Self {
        .init(status: .badRequest, message: message, param: param)
    }

    /// The error `type` OpenAI uses for each family of statuses.
    static func defaultType(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 429: "rate_limit_error"
        case 500...: "server_error"
        default: "invalid_request_error"
        }
    }

    /// The envelope as bytes.
    var body: ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeStaticString("{\"error\":{\"message\":")
        buffer.writeJSONString(self.message)
        buffer.writeStaticString(",\"type\":")
        buffer.writeJSONString(self.type)
        buffer.writeStaticString(",\"param\":")
        if let param { buffer.writeJSONString(param) } else { buffer.writeStaticString("null") }
        buffer.writeStaticString(",\"code\":")
        if let code { buffer.writeJSONString(code) } else { buffer.writeStaticString("null") }
        buffer.writeStaticString("}}")
        return buffer
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(status: self.status, headers: headers, body: .init(byteBuffer: self.body))
    }
}
