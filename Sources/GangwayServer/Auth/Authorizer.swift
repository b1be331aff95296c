public import Foundation
public import GangwayCore
import Synchronization

/// Evaluates a caller's IAM policies for one action on one resource.
///
/// Policy documents are parsed once and kept by their text, so evaluation on the hot path is
/// pattern matching only. A stored document that no longer parses counts as no policy
/// (implicit deny) rather than failing open.
public final class Authorizer: Sendable {
    private let parsed = Mutex<[String: PolicyDocument?]>([:])

    public init() {}

    public func decide(
        caller: CallerIdentity, action: String, resource: String, context: ConditionContext
    ) -> AuthorizationDecision {
        decide(policies: policies(of: caller), action: action, resource: resource, context: context)
    }

    /// The caller's parsed policies, looked up once for several decisions on one request.
    public func policies(of caller: CallerIdentity) -> [PolicyDocument] {
        caller.policies.compactMap { document(for: $0.document) }
    }

    public func decide(
        policies: [PolicyDocument], action: String, resource: String, context: ConditionContext
    ) -> AuthorizationDecision {
        PolicyEvaluator.evaluate(AuthorizationRequest(action: action, resource: resource, context: context), policies: policies)
    }

    /// The condition keys Gangway supplies for a request.
    public static func context(caller: CallerIdentity, sourceIP: String?, secureTransport: Bool, now: Date) -> ConditionContext {
        ConditionContext.request(
            now: now, sourceIp: sourceIP, secureTransport: secureTransport, principalArn: caller.user.arn,
            username: caller.user.name, userid: caller.user.userID, tokenIssueTime: caller.issuedAt)
    }

    private func document(for text: String) -> PolicyDocument? {
        if let cached = parsed.withLock({ $0[text] }) { return cached }
        let document = try? PolicyDocument(json: text)
        parsed.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[text] = .some(document)
        }
        return document
    }
}
