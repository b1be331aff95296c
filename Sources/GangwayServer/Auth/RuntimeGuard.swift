import Foundation
import GangwayCore
import Hummingbird
import Logging
import NIOCore

/// Authentication and authorization for the runtime paths: who is calling, and may they
/// invoke this endpoint (and component).
struct RuntimeGuard: Sendable {
    /// The request's headers as the client sent them. HTTP/1 `Host` travels as the
    /// `:authority` pseudo-header in HTTPTypes, so it is put back for SigV4.
    static func signableHeaders(_ request: Request) -> [(name: String, value: String)] {
        var headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
        if let authority = request.head.authority {
            headers.append((name: "host", value: authority))
        }
        return headers
    }

    let authenticator: Authenticator
    let authorizer: Authorizer
    let account: String
    let region: String

    /// Admits a request or throws the 401/403 to answer. The log gets the exact reason; the
    /// caller gets a message that says what to do, never which internal check failed.
    func admit(
        _ request: Request, body: ByteBuffer, endpoint: String, component: String?, context: GangwayRequestContext
    ) async throws -> CallerIdentity {
        let now = Date()
        let caller: CallerIdentity
        do {
            caller = try await authenticator.authenticate(
                AuthenticationRequest(
                    method: request.method.rawValue, rawPath: request.uri.path, rawQuery: request.uri.query ?? "",
                    headers: Self.signableHeaders(request),
                    body: Array(body.readableBytesView)),
                service: "sagemaker", now: now)
        } catch {
            context.logger.notice(
                "authentication failed",
                metadata: ["reason": "\(error.logReason)", "client": "\(context.remoteAddress ?? "-")"])
            throw GatewayError.unauthenticated(error)
        }
        let conditions = Authorizer.context(
            caller: caller, sourceIP: context.remoteAddress, secureTransport: false, now: now)
        let endpointARN = ARN.sagemakerEndpoint(name: endpoint, region: region, account: account).description
        var checks: [(String, String)] = []
        if caller.method == .bearerToken {
            checks.append(("sagemaker:CallWithBearerToken", endpointARN))
        }
        checks.append(("sagemaker:InvokeEndpoint", endpointARN))
        if let component {
            checks.append((
                "sagemaker:InvokeEndpoint",
                ARN.sagemakerInferenceComponent(name: component, region: region, account: account).description
            ))
        }
        for (action, resource) in checks {
            let decision = authorizer.decide(caller: caller, action: action, resource: resource, context: conditions)
            guard decision.isAllowed else {
                context.logger.notice(
                    "access denied",
                    metadata: [
                        "principal": "\(caller.user.arn)", "accessKeyId": "\(caller.accessKeyID)", "action": "\(action)",
                        "resource": "\(resource)", "decision": "\(decision)",
                    ])
                throw GatewayError.accessDenied(principal: caller.user.arn, action: action, resource: resource)
            }
        }
        return caller
    }
}
