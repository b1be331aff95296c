import Foundation
import GangwayCore
import Hummingbird
import Logging
import NIOCore

/// Authentication and authorization for the runtime paths: who is calling, and may they
/// invoke this endpoint (and component). A class: every request reaches it, and a reference
/// is one retain where a copy would be six.
final class RuntimeGuard: Sendable {
    let authenticator: Authenticator
    let authorizer: Authorizer
    let account: String
    let region: String
    let metrics: GatewayMetrics
    let decisions = AuthorizationCache()

    init(authenticator: Authenticator, authorizer: Authorizer, account: String, region: String, metrics: GatewayMetrics) {
        self.authenticator = authenticator
        self.authorizer = authorizer
        self.account = account
        self.region = region
        self.metrics = metrics
    }

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
            throw rejection(error, logger: context.logger, client: context.remoteAddress)
        }
        try authorize(
            caller, endpoint: endpoint, component: component, now: now, logger: context.logger,
            client: context.remoteAddress)
        return caller
    }

    /// Counts and logs a failed authentication; returns the error to answer.
    func rejection(_ error: AuthenticationError, logger: @autoclosure () -> Logger, client: String?) -> GatewayError {
        metrics.authFailure(error.metricLabel)
        logger().notice("authentication failed", metadata: ["reason": "\(error.logReason)", "client": "\(client ?? "-")"])
        return GatewayError.unauthenticated(error)
    }

    /// Throws the 403 to answer unless the caller's policies allow every action the call needs:
    /// `sagemaker:CallWithBearerToken` for a token, `sagemaker:InvokeEndpoint` on the endpoint
    /// and, for a component, on the component too. Returns whether the decision rests on the
    /// policies alone (no condition read the request), so that it holds for the same caller
    /// and target while the policies stay the same.
    @discardableResult
    func authorize(
        _ caller: CallerIdentity, endpoint: String, component: String?, now: Date, logger: @autoclosure () -> Logger,
        client: String?
    ) throws(GatewayError) -> Bool {
        let cacheKey = AuthorizationCache.Key(
            accessKeyID: caller.accessKeyID, endpoint: endpoint, component: component,
            bearerToken: caller.method == .bearerToken)
        if decisions.isKnownAllowed(cacheKey, policies: caller.policies) { return true }
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
        let readsContext = policies.contains(where: \.readsRequestContext)
        let conditions =
            readsContext
            ? Authorizer.context(caller: caller, sourceIP: client, secureTransport: false, now: now) : ConditionContext()
        for (action, resource) in checks {
            let decision = authorizer.decide(policies: policies, action: action, resource: resource, context: conditions)
            guard decision.isAllowed else {
                metrics.authFailure("access_denied")
                logger().notice(
                    "access denied",
                    metadata: [
                        "principal": "\(caller.user.arn)", "accessKeyId": "\(caller.accessKeyID)", "action": "\(action)",
                        "resource": "\(resource)", "decision": "\(decision)",
                    ])
                throw GatewayError.accessDenied(principal: caller.user.arn, action: action, resource: resource)
            }
        }
        if !readsContext { decisions.rememberAllowed(cacheKey, policies: caller.policies) }
        return !readsContext
    }

    /// The caller of a request that carries the memo's very `Authorization` value, admitted
    /// again from its connection's memo; nil when it must be authenticated and authorized
    /// afresh (see ``AdmissionMemo``).
    func readmit(_ memo: AdmissionMemo, endpoint: Substring, component: Substring?, now: Date) -> CallerIdentity? {
        guard let generation = authenticator.store.credentialGeneration else { return nil }
        return memo.readmits(endpoint: endpoint, component: component, now: now, generation: generation)
    }
}
