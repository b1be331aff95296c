import HTTPTypes

/// The headers of SageMaker's runtime API. SageMaker passes an instance only the headers its
/// API defines, so Gangway does too: a client's other headers (and its credentials) stay here.
enum SageMakerHeaders {
    static let inferenceComponent = HTTPField.Name("X-Amzn-SageMaker-Inference-Component")!
    static let customAttributes = HTTPField.Name("X-Amzn-SageMaker-Custom-Attributes")!
    static let targetVariant = HTTPField.Name("X-Amzn-SageMaker-Target-Variant")!
    static let inferenceID = HTTPField.Name("X-Amzn-SageMaker-Inference-Id")!
    static let sessionID = HTTPField.Name("X-Amzn-SageMaker-Session-Id")!
    static let newSessionID = HTTPField.Name("X-Amzn-SageMaker-New-Session-Id")!
    static let closedSessionID = HTTPField.Name("X-Amzn-SageMaker-Closed-Session-Id")!
    /// The stream API's `Accept` and response `ContentType` travel under these names.
    static let streamAccept = HTTPField.Name("X-Amzn-SageMaker-Accept")!
    static let streamContentType = HTTPField.Name("X-Amzn-SageMaker-Content-Type")!
    static let invokedProductionVariant = HTTPField.Name("x-Amzn-Invoked-Production-Variant")!

    /// Gangway serves each endpoint as one production variant, named as SageMaker names the
    /// variant of a single-variant endpoint.
    static let productionVariant = "AllTraffic"

    /// The value of `X-Amzn-SageMaker-Session-Id` that asks the model for a new session.
    static let newSession = "NEW_SESSION"

    /// What reaches the instance. The stream API's `X-Amzn-SageMaker-Accept` becomes `Accept`,
    /// what a model server reads either way.
    static func forwarded(from client: HTTPFields, streaming: Bool) -> HTTPFields {
        var headers = HTTPFields()
        let passed: [HTTPField.Name] = [.contentType, customAttributes, targetVariant, inferenceID, sessionID]
        for name in passed {
            for value in client[values: name] { headers.append(HTTPField(name: name, value: value)) }
        }
        if let accept = streaming ? client[streamAccept] : client[.accept] {
            headers[.accept] = accept
        }
        return headers
    }

    /// The instance's headers a SageMaker client is given back.
    static let returnedFromInstance: [HTTPField.Name] = [customAttributes, newSessionID, closedSessionID]
}
