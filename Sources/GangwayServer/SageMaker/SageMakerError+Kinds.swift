import Hummingbird

extension SageMakerError {
    static func validation(_ message: String, code: String? = nil, status: HTTPResponse.Status = .badRequest) -> SageMakerError {
        SageMakerError(status: status, type: "ValidationError", message: message, errorCode: code)
    }

    static func componentNameMissing(endpoint: String) -> SageMakerError {
        .validation(
            "Endpoint \(endpoint) hosts inference components: name one with the X-Amzn-SageMaker-Inference-Component header.",
            code: "INFERENCE_COMPONENT_NAME_MISSING")
    }

    static func payloadTooLarge(limit: Int) -> SageMakerError {
        .validation("The request body exceeds the limit of \(limit) bytes.", status: .contentTooLarge)
    }

    static func unknownSession(_ id: String) -> SageMakerError {
        .validation("Session \(id) is not open on this endpoint: it was closed, it expired, or it never existed.")
    }

    static let newSessionOnStream = SageMakerError.validation(
        "A stateful session cannot be created with InvokeEndpointWithResponseStream; create it with InvokeEndpoint.")

    /// The instance answered with an error status: SageMaker wraps it, keeping what it said.
    static func model(status: Int, body: String, target: String, logStreamARN: String) -> SageMakerError {
        let kind = (400..<500).contains(status) ? "client" : "server"
        return SageMakerError(
            status: .modelErrorStatus, type: "ModelError",
            message: "Received \(kind) error (\(status)) from the model instance of \(target) with message \"\(body)\".",
            originalStatusCode: status, originalMessage: body, logStreamARN: logStreamARN)
    }

    static let internalFailure = SageMakerError(
        status: .internalServerError, type: "InternalFailure",
        message: "Gangway failed to process the request. The failure was logged.")

    /// The same failure Gangway reports in the OpenAI envelope elsewhere, in SageMaker's terms.
    init(_ error: GatewayError) {
        switch (error.status.code, error.code) {
        case (400, _):
            self = .validation(error.message)
        case (401, let code):
            let type: String =
                switch code {
                case "missing_credentials": "MissingAuthenticationTokenException"
                case "token_expired": "ExpiredTokenException"
                case "invalid_token": "UnrecognizedClientException"
                default: "InvalidSignatureException"
                }
            self.init(status: .unauthorized, type: type, message: error.message)
        case (403, _):
            self.init(status: .forbidden, type: "AccessDeniedException", message: error.message)
        case (413, _):
            self = .validation(error.message, status: .contentTooLarge)
        case (429, _):
            self.init(status: .tooManyRequests, type: "ThrottlingException", message: error.message)
        case (502, _), (504, _):
            // SageMaker reports a model that cannot be reached or does not answer in time as a
            // ModelError; clients then do not retry a request that may have reached the model.
            self.init(status: .modelErrorStatus, type: "ModelError", message: error.message)
        case (503, _):
            self.init(status: .serviceUnavailable, type: "ServiceUnavailable", message: error.message)
        case (400..<500, _):
            self = .validation(error.message, status: error.status)
        default:
            self = .internalFailure
        }
    }
}
