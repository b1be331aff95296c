import Hummingbird
import Logging

/// Renders every error of the SageMaker runtime paths in SageMaker's shape, before the
/// application's OpenAI-shaped error middleware would see it.
struct SageMakerErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as SageMakerError {
            return try error.response(from: request, context: context)
        } catch let error as GatewayError {
            return try SageMakerError(error).response(from: request, context: context)
        } catch let error as HTTPError {
            let mapped: SageMakerError =
                error.status.code >= 500
                ? .internalFailure : .validation(error.body ?? error.status.reasonPhrase, status: error.status)
            return try mapped.response(from: request, context: context)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            return try SageMakerError.internalFailure.response(from: request, context: context)
        }
    }
}
