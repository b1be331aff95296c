public import Hummingbird
import Foundation
import NIOCore

/// An error Gangway answers itself (as opposed to an instance's error, which passes through).
///
/// It carries an opaque code and a public message that never includes a secret or internal
/// detail; the wire shape is chosen at the edge (the OpenAI envelope on `/openai/v1/...`).
public struct GatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    /// OpenAI `error.type` (`validation_error`, `invalid_request_error`, ...).
    public let type: String
    /// OpenAI `error.code`, a stable machine-readable name.
    public let code: String
    public let message: String
    /// Extra response headers (for example `Allow` on a 405).
    public var headers: HTTPFields = [:]

    public init(status: HTTPResponse.Status, type: String, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.type = type
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }
}

extension GatewayError {
    static func endpointNotFound(_ name: String, account: String) -> GatewayError {
        GatewayError(
            status: .badRequest, type: "validation_error", code: "validation_error",
            message: "Endpoint \(name) of account \(account) not found.")
    }

    static func componentNotFound(_ component: String, endpoint: String, account: String) -> GatewayError {
        GatewayError(
            status: .badRequest, type: "validation_error", code: "validation_error",
            message: "Inference Component \(component) of account \(account) not found (endpoint \(endpoint)).")
    }

    static func endpointHostsComponents(_ name: String) -> GatewayError {
        GatewayError(
            status: .badRequest, type: "validation_error", code: "validation_error",
            message:
                "Endpoint \(name) hosts inference components; call /endpoints/\(name)/inference-components/{component}/openai/v1/... instead."
        )
    }

    static func endpointHasNoComponents(_ name: String) -> GatewayError {
        GatewayError(
            status: .badRequest, type: "validation_error", code: "validation_error",
            message: "Endpoint \(name) is a single-model endpoint and hosts no inference components.")
    }

    static func malformedJSON(_ detail: String) -> GatewayError {
        GatewayError(
            status: .badRequest, type: "invalid_request_error", code: "invalid_json",
            message: "The request body is not valid JSON: \(detail).")
    }

    static func bodyTooLarge(limit: Int) -> GatewayError {
        GatewayError(
            status: .contentTooLarge, type: "invalid_request_error", code: "request_too_large",
            message: "The request body exceeds the limit of \(limit) bytes.")
    }

    static func methodNotAllowed(_ method: String, allowed: [String]) -> GatewayError {
        GatewayError(
            status: .methodNotAllowed, type: "invalid_request_error", code: "method_not_allowed",
            message: "Method \(method) is not allowed here; use \(allowed.joined(separator: " or ")).",
            headers: [.allow: allowed.joined(separator: ", ")])
    }

    static func pathNotFound(_ path: String) -> GatewayError {
        GatewayError(
            status: .notFound, type: "invalid_request_error", code: "not_found",
            message: "Unknown path \(path).")
    }

    static func noHealthyInstance(_ target: String) -> GatewayError {
        GatewayError(
            status: .serviceUnavailable, type: "service_unavailable", code: "no_healthy_instance",
            message: "No healthy instance is available for \(target). Try again later.")
    }

    static func instanceUnreachable(_ target: String) -> GatewayError {
        GatewayError(
            status: .badGateway, type: "bad_gateway", code: "instance_unreachable",
            message: "The model instance for \(target) could not be reached or closed the connection.")
    }

    static func instanceTimeout(_ target: String, phase: String) -> GatewayError {
        GatewayError(
            status: .gatewayTimeout, type: "timeout_error", code: "instance_timeout",
            message: "The model instance for \(target) did not answer in time (\(phase)).")
    }

    static func unauthenticated(_ error: AuthenticationError) -> GatewayError {
        let code: String =
            switch error.kind {
            case .missing: "missing_credentials"
            case .expiredToken: "token_expired"
            case .tokenNotYetValid: "token_not_yet_valid"
            case .requestExpired: "request_expired"
            case .incompleteSignature, .signatureDoesNotMatch: "invalid_signature"
            case .invalidToken, .unknownAccessKey, .inactiveAccessKey: "invalid_token"
            }
        return GatewayError(
            status: .unauthorized, type: "authentication_error", code: code, message: error.publicMessage,
            headers: [.wwwAuthenticate: "Bearer"])
    }

    static func accessDenied(principal: String, action: String, resource: String) -> GatewayError {
        GatewayError(
            status: .forbidden, type: "permission_error", code: "access_denied",
            message: "User: \(principal) is not authorized to perform: \(action) on resource: \(resource)")
    }

    static let internalFailure = GatewayError(
        status: .internalServerError, type: "internal_error", code: "internal_error",
        message: "Gangway failed to process the request. The failure was logged.")
}

extension GatewayError: HTTPResponseError {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: openAIEnvelope())))
    }

    /// `{"error":{"message":...,"type":...,"param":null,"code":...}}`, as OpenAI clients parse it.
    public func openAIEnvelope() -> [UInt8] {
        var json = #"{"error":{"message":"#
        json += JSONString.quoted(message)
        json += #","type":"#
        json += JSONString.quoted(type)
        json += #","param":null,"code":"#
        json += JSONString.quoted(code)
        json += "}}"
        return Array(json.utf8)
    }
}

/// JSON string quoting for the few bodies Gangway writes itself.
enum JSONString {
    static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
