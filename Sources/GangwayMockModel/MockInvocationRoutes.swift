import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `POST /invocations`, the route SageMaker's runtime API calls on a model container.
///
/// - A JSON body with `messages` is answered as `/v1/chat/completions` answers it (streamed
///   when it says `"stream": true`; the `"mock"` controls apply).
/// - Any other body is echoed back byte for byte with its `Content-Type`.
/// - `X-Amzn-SageMaker-Custom-Attributes` is returned as received.
/// - Stateful sessions: `X-Amzn-SageMaker-Session-Id: NEW_SESSION` opens one (answered with
///   `X-Amzn-SageMaker-New-Session-Id: <id>; Expires=<time>`); a request naming a session this
///   server did not open, or one that expired, gets a 400; a body `{"requestType":"CLOSE"}`
///   closes the named session (answered with `X-Amzn-SageMaker-Closed-Session-Id`).
struct MockInvocationRoutes: Sendable {
    let routes: MockModelRoutes
    let sessions = MockSessions()

    static let customAttributes = HTTPField.Name("X-Amzn-SageMaker-Custom-Attributes")!
    static let sessionID = HTTPField.Name("X-Amzn-SageMaker-Session-Id")!
    static let newSessionID = HTTPField.Name("X-Amzn-SageMaker-New-Session-Id")!
    static let closedSessionID = HTTPField.Name("X-Amzn-SageMaker-Closed-Session-Id")!

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.post("invocations") { request, _ in try await self.invoke(request) }
    }

    func invoke(_ request: Request) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: routes.configuration.maxRequestBodySize)
        } catch is NIOTooManyBytesError {
            throw OpenAIError(
                status: .contentTooLarge,
                message: "The request body is larger than \(routes.configuration.maxRequestBodySize) bytes")
        }
        let json = body.withUnsafeReadableBytes { try? JSONParser.parse($0) }

        var added = HTTPFields()
        if let attributes = request.headers[Self.customAttributes] {
            added[Self.customAttributes] = attributes
        }
        if let session = request.headers[Self.sessionID] {
            if session == "NEW_SESSION" {
                added[Self.newSessionID] = sessions.create()
            } else {
                guard sessions.isOpen(session) else {
                    throw OpenAIError.invalidRequest("Session \(session) is not open on this server", param: "session")
                }
                if json?["requestType"]?.stringValue?.uppercased() == "CLOSE" {
                    sessions.close(session)
                    var headers = added
                    headers[Self.closedSessionID] = session
                    headers[.contentType] = "application/json"
                    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: #"{"closed":true}"#)))
                }
            }
        }

        var response: Response
        if let json, json["messages"] != nil {
            // The collected body stays in `request`, so the chat route reads it again.
            response = try await routes.chatCompletions(request)
        } else {
            routes.stats.requestReceived(body: body)
            let contentType = request.headers[.contentType] ?? "application/octet-stream"
            response = Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: body))
        }
        for field in added { response.headers[field.name] = field.value }
        return response
    }
}
