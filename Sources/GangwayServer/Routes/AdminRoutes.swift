import Foundation
import GangwayCore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// AWS's IAM and STS Query APIs at `POST /`, so the AWS CLI and boto3 administer Gangway with
/// `--endpoint-url`. Callers sign with SigV4 (service `iam` or `sts`), as AWS requires.
struct AdminRoutes: Sendable {
    let api: QueryAPI
    let authenticator: Authenticator
    let authorizer: Authorizer
    let account: String
    static let maxBodyBytes = 1024 * 1024

    func handle(_ request: Request, context: GangwayRequestContext) async throws -> Response {
        let requestID = UUID().uuidString.lowercased()
        var request = request
        let body: ByteBuffer
        do {
            body = try await BodyLimit.collect(&request, limit: Self.maxBodyBytes)
        } catch is BodyLimit.Exceeded {
            return render(
                QueryAPI.errorResponse(
                    service: .iam, status: 413, type: "Sender", code: "RequestEntityTooLarge",
                    message: "The request body exceeds \(Self.maxBodyBytes) bytes.", requestID: requestID),
                requestID: requestID)
        }
        let bytes = Array(body.readableBytesView)
        guard let form = QueryAPI.decodeForm(bytes) else {
            return render(
                QueryAPI.errorResponse(
                    service: .iam, status: 400, type: "Sender", code: "MalformedQueryString",
                    message: "The request body is not a valid form (application/x-www-form-urlencoded).",
                    requestID: requestID),
                requestID: requestID)
        }
        let service = QueryService(form: form) ?? .iam
        let identity: CallerIdentity
        do {
            identity = try await authenticator.authenticate(
                AuthenticationRequest(request, body: body),
                service: service.signingName, acceptBearer: false)
        } catch {
            context.logger.notice(
                "authentication failed",
                metadata: ["api": "\(service.signingName)", "reason": "\(error.logReason)", "client": "\(context.remoteAddress ?? "-")"])
            return render(
                QueryAPI.errorResponse(
                    service: service, status: 403, type: "Sender", code: error.awsCode,
                    message: error.publicMessage, requestID: requestID),
                requestID: requestID)
        }
        let caller = AdminCaller(
            account: account, userName: identity.user.name, userID: identity.user.userID, arn: identity.user.arn,
            accessKeyID: identity.accessKeyID)
        let conditions = Authorizer.context(
            caller: identity, sourceIP: context.remoteAddress, secureTransport: false, now: Date())
        let authorizer = self.authorizer
        let logger = context.logger
        let response = await api.handle(form: form, caller: caller) { action, resource in
            let decision = authorizer.decide(caller: identity, action: action, resource: resource, context: conditions)
            if !decision.isAllowed {
                logger.notice(
                    "access denied",
                    metadata: ["principal": "\(identity.user.arn)", "action": "\(action)", "resource": "\(resource)"])
            }
            return decision.isAllowed
        }
        return render(response, requestID: requestID)
    }

    /// The response as AWS sends it. Never logged: a CreateAccessKey answer holds a secret.
    func render(_ response: QueryResponse, requestID: String) -> Response {
        var headers: HTTPFields = [.contentType: response.contentType]
        headers[HTTPField.Name("x-amzn-RequestId")!] = requestID
        return Response(
            status: HTTPResponse.Status(code: response.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: response.body)))
    }
}
