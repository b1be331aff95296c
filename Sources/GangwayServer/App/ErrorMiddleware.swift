import Hummingbird
import Logging

/// Renders every error in the OpenAI envelope (Gangway's runtime paths are OpenAI-shaped) and
/// turns anything unexpected into a logged 500 that reveals nothing to the caller.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as GatewayError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            let gatewayError: GatewayError
            switch error.status {
            case .notFound:
                gatewayError = .pathNotFound(request.uri.path)
            case .contentTooLarge:
                gatewayError = GatewayError(
                    status: .contentTooLarge, type: "invalid_request_error", code: "request_too_large",
                    message: "The request body is too large.")
            case .methodNotAllowed:
                gatewayError = GatewayError(
                    status: .methodNotAllowed, type: "invalid_request_error", code: "method_not_allowed",
                    message: "Method \(request.method.rawValue) is not allowed on \(request.uri.path).")
            default:
                gatewayError = GatewayError(
                    status: error.status, type: "invalid_request_error", code: "http_\(error.status.code)",
                    message: error.body ?? error.status.reasonPhrase)
            }
            return try gatewayError.response(from: request, context: context)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            return try GatewayError.internalFailure.response(from: request, context: context)
        }
    }
}
