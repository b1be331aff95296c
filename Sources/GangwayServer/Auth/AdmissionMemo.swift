import Foundation
import GangwayCore
import GangwayStore

/// A client connection's last admission by bearer token. A keep-alive client sends the same
/// token with every request; its next request on the connection, with the very same
/// `Authorization` value and for the same endpoint and component, is admitted again without
/// looking the token up or asking the policy cache, provided that
/// - the token is still inside its validity window (checked on every request), and
/// - the store's credential generation (``IdentityStore/credentialGeneration``) is still the
///   one read before the admission: every write moves it on (a key deactivated, deleted or
///   changed, its user's policies changed), so the same generation means the same status and
///   the same policies, hence the same decision. Reading one number replaces a lookup of the
///   key in the store's cache (a lock and a hashed string: several microseconds per request on
///   a loop whose caches have gone cold between requests).
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
    /// The store's credential generation read before the caller was authenticated.
    let generation: UInt64

    /// The caller admitted again, for a request whose `Authorization` value is ``authorization``;
    /// nil when the request must go through authentication and authorization (and is then
    /// refused or admitted on its own merits). `generation` is the store's credential
    /// generation now.
    func readmits(endpoint: Substring, component: Substring?, now: Date, generation: UInt64) -> CallerIdentity? {
        guard generation == self.generation,
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

    /// The memo of a caller just admitted by bearer token, or nil for one admitted otherwise or
    /// by a store that keeps no generation. `generation`: read before authentication began.
    init?(
        authorization: [UInt8]?, endpoint: String, component: String?, caller: CallerIdentity, generation: UInt64?
    ) {
        guard caller.method == .bearerToken, let authorization, let expiresAt = caller.tokenExpiresAt,
            let generation
        else { return nil }
        self.generation = generation
        self.authorization = authorization
        self.endpoint = endpoint
        self.component = component
        self.caller = caller
        validFrom = caller.issuedAt.addingTimeInterval(-BearerToken.allowedClockSkew)
        validUntil = expiresAt
    }
}
