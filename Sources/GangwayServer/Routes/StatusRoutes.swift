import Foundation
import GangwayCore
import Hummingbird
import NIOCore

/// `GET /gangway/v1/endpoints`: endpoints, components and instances with health and in-flight
/// counts, for `gangway endpoints`. Each endpoint is listed only to callers allowed
/// `sagemaker:DescribeEndpoint` on its ARN.
struct StatusRoutes: Sendable {
    let registry: LiveRegistry
    let authenticator: Authenticator
    let authorizer: Authorizer
    let account: String
    let region: String

    func endpoints(_ request: Request, context: GangwayRequestContext) async throws -> Response {
        let caller: CallerIdentity
        do {
            caller = try await authenticator.authenticate(
                AuthenticationRequest(request, body: ByteBuffer()),
                service: "sagemaker")
        } catch {
            context.logger.notice("authentication failed", metadata: ["reason": "\(error.logReason)"])
            throw GatewayError.unauthenticated(error)
        }
        let conditions = Authorizer.context(caller: caller, sourceIP: context.remoteAddress, secureTransport: false, now: Date())
        let policies = authorizer.policies(of: caller)
        var items: [String] = []
        for endpoint in registry.current.endpoints {
            let arn = ARN.sagemakerEndpoint(name: endpoint.name, region: region, account: account).description
            guard
                authorizer.decide(
                    policies: policies, action: "sagemaker:DescribeEndpoint", resource: arn, context: conditions)
                    .isAllowed
            else { continue }
            items.append(Self.json(endpoint, arn: arn))
        }
        let body = #"{"endpoints":["# + items.joined(separator: ",") + "]}"
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ endpoint: EndpointRegistry.Endpoint, arn: String) -> String {
        func pool(_ pool: ModelPool) -> String {
            let instances = pool.status().map { status in
                #"{"url":"# + JSONString.quoted(status.url.description) + #","health":""# + status.health.rawValue
                    + #"","in_flight":\#(status.outstanding)}"#
            }
            return #""instances":["# + instances.joined(separator: ",") + "]"
        }
        var json = #"{"name":"# + JSONString.quoted(endpoint.name) + #","arn":"# + JSONString.quoted(arn)
        switch endpoint.backend {
        case .model(let model):
            json += #","kind":"single-model","# + pool(model)
        case .components(let components):
            let parts = components.keys.sorted().map { key in
                #"{"name":"# + JSONString.quoted(components[key]!.componentName ?? key) + "," + pool(components[key]!) + "}"
            }
            json += #","kind":"inference-components","components":["# + parts.joined(separator: ",") + "]"
        }
        return json + "}"
    }
}
