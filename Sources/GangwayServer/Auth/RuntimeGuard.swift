import Foundation
import GangwayCore
import Hummingbird
import Logging
import NIOCore

/// Authentication and authorization for the runtime paths: who is calling, and may they
/// invoke this endpoint (and component).
struct RuntimeGuard: Sendable {
    let authenticator: Authenticator
    let authorizer: Authorizer
    let account: String
    let region: String
    let metrics: GatewayMetrics

    /// Admits a request or throws the 401/403 to answer. The log gets the exact reason; the
    /// caller gets a message that says what to do, never which internal check failed.
    func admit(
        _ request: Request, body: ByteBuffer, endpoint: String, component: String?, context: GangwayRequestContext
    ) async throws -> CallerIdentity {
        let now = Date()
        let caller: CallerIdentity
        do {
            caller = try await authenticator.authenticate(AuthenticationRequest(request, body: body), service: "sagemaker", now: now)
        } catch {
            metrics.authFailure(error.metricLabel)
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
        let policies = authorizer.policies(of: caller)
        for (action, resource) in checks {
            let decision = authorizer.decide(policies: policies, action: action, resource: resource, context: conditions)
            guard decision.isAllowed else {
                metrics.authFailure("access_denied")
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
