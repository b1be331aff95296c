import Foundation
import GangwayCore
import GangwayStore

/// A client connection's last admission by bearer token. A keep-alive client sends the same
/// token with every request; its next request on the connection, with the very same
/// `Authorization` value and for the same endpoint and component, is admitted again without
/// looking the token up or asking the policy cache, provided that
/// - the token is still inside its validity window (checked on every request), and
/// - the store still holds the very credential object it was admitted with: the store
///   replaces that object whenever the key, its user or their policies change (and drops it
///   when the key is deactivated or deleted), so the same object means the same status and
///   the same policies, hence the same decision.
///
/// Only decisions that depend on the policies alone are remembered (no `Condition` reads the
/// request: source address, time), so nothing about the new request can change the answer.
///
/// A class (its fields never change): reading it per request costs one reference, not one per
/// field.
final class AdmissionMemo {
    /// The `Authorization` header's value, byte for byte.
    let authorization: [UInt8]
    let endpoint: String
    let component: String?
    let caller: CallerIdentity
    /// The token's validity window (``BearerToken/checkValidity(now:)``).
    let validFrom: Date
    let validUntil: Date

    /// The caller admitted again, for a request whose `Authorization` value is ``authorization``;
    /// nil when the request must go through authentication and authorization (and is then
    /// refused or admitted on its own merits). `current` is the credential the store holds in
    /// memory for the caller's key now.
    func readmits(
        endpoint: Substring, component: Substring?, now: Date, current: AccessKeyCredential?
    ) -> CallerIdentity? {
        guard let current, current === caller.credential,
            validFrom <= now, now <= validUntil, endpoint == self.endpoint, sameComponent(component)
        else { return nil }
        return caller
    }

    private func sameComponent(_ other: Substring?) -> Bool {
        switch (other, component) {
        case (nil, nil): true
        case (let other?, let component?): other == component
        default: false
        }
    }

    /// The memo of a caller just admitted by bearer token, or nil for one admitted otherwise.
    init?(
        authorization: [UInt8]?, endpoint: String, component: String?, caller: CallerIdentity
    ) {
        guard caller.method == .bearerToken, let authorization, let expiresAt = caller.tokenExpiresAt else { return nil }
        self.authorization = authorization
        self.endpoint = endpoint
        self.component = component
        self.caller = caller
        validFrom = caller.issuedAt.addingTimeInterval(-BearerToken.allowedClockSkew)
        validUntil = expiresAt
    }
}
