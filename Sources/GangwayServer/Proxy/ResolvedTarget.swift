import GangwayCore

/// A request's OpenAI-path target worked out once: the parsed path, what the path allows for
/// the request's method, the model serving it (or why there is none), and the names the access
/// log records.
///
/// A class: an exchange, and a keep-alive connection's route memo, hold one reference rather
/// than the path's substrings and array, the pool and the metrics, each of which a copy would
/// retain and a release would touch (memory gone cold while the loop idled, on the way to the
/// model).
final class ResolvedTarget {
    let path: OpenAIPath
    /// What ``OpenAIRoute/classify(method:subpath:)`` says for this method and path.
    let decision: OpenAIRoute.Decision
    let model: Result<ModelPool, GatewayError>
    /// The model's metrics (nil without a model).
    let metrics: PoolMetrics?
    let endpointName: String
    let componentName: String?
    /// The largest request body the model takes.
    let bodyLimit: Int
    /// The path to ask of the instance after its base URL's path (`/v1/{subpath}[?query]`).
    let instancePath: String

    init(
        path: OpenAIPath, method: String, model: Result<ModelPool, GatewayError>, metrics: PoolMetrics?,
        defaultBodyLimit: Int
    ) {
        self.path = path
        self.decision = OpenAIRoute.classify(method: method, subpath: path.subpath)
        self.model = model
        self.metrics = metrics
        self.bodyLimit = if case .success(let pool) = model { pool.settings.maxBodyBytes } else { defaultBodyLimit }
        self.endpointName = String(path.endpoint)
        self.componentName = path.component.map(String.init)
        var instancePath = ""
        path.writeInstancePath { instancePath += $0 }
        self.instancePath = instancePath
    }
}
