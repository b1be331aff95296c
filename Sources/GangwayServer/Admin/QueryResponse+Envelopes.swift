extension QueryResponse {
    /// `<{Action}Response>` with an optional `<{Action}Result>`, then the request id, the shape
    /// botocore's query parser expects (it unwraps the result element by name).
    static func success(service: QueryService, action: String, result: XMLWriter?, requestID: String) -> Self {
        var xml = XMLWriter()
        xml.element("\(action)Response", namespace: service.xmlNamespace) { xml in
            if let result {
                xml.element("\(action)Result") { $0.append(result) }
            }
            xml.element("ResponseMetadata") { $0.element("RequestId", requestID) }
        }
        return QueryResponse(status: 200, body: xml.text)
    }

    /// `<ErrorResponse>` with one `<Error>` and the request id beside it, as IAM and STS write it.
    static func failure(service: QueryService, error: QueryError, requestID: String) -> Self {
        var xml = XMLWriter()
        xml.element("ErrorResponse", namespace: service.xmlNamespace) { xml in
            xml.element("Error") { xml in
                xml.element("Type", error.fault.rawValue)
                xml.element("Code", error.code)
                xml.element("Message", error.message)
            }
            xml.element("RequestId", requestID)
        }
        return QueryResponse(status: error.status, body: xml.text)
    }
}
