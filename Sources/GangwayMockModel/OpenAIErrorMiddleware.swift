import Hummingbird

/// Renders every error, including the router's own 404, in the OpenAI envelope, so clients
/// of the mock never see Hummingbird's default error shape.
struct OpenAIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as OpenAIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            let message =
                error.status == .notFound
                ? "Unknown path: \(request.method) \(request.uri.path)"
                : (error.body ?? error.status.reasonPhrase)
            return try OpenAIError(status: error.status, message: message).response(from: request, context: context)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.error("mock model handler failed", metadata: ["error": "\(error)"])
            return try OpenAIError(status: .internalServerError, message: "Internal error in the mock model")
                .response(from: request, context: context)
        }
    }
}
