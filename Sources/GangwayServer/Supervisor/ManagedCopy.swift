public import GangwayCore
import GangwayStore

/// One copy of a managed model server: which pool instance it backs, on which port, and how
/// to run it. Built with the registry, so the pool knows its URL before the process starts.
public struct ManagedCopy: Sendable {
    public let pool: ModelPool
    public let instance: ModelPool.Instance
    public let run: RunConfig
    /// The copy's index among its model's copies (`{copy}`), from 0.
    public let copy: Int
    /// The loopback port it is told to listen on (`{port}`).
    public let port: Int

    /// The prefix of its log lines: the component's (or single-model endpoint's) name and the copy index.
    public var label: String {
        "\(pool.componentName ?? pool.endpointName)#\(copy)"
    }

    public var arguments: [String] { run.arguments(port: port, copy: copy) }
    public var environment: [String: String] { run.environment(port: port, copy: copy) }

    /// The copy's whole environment: Gangway's own minus Gangway's master key (a model server
    /// has no business with it, and may well log its environment), plus the configured entries.
    func processEnvironment(inheriting base: [String: String]) -> [String: String] {
        var inherited = base
        inherited[MasterKey.environmentVariable] = nil
        return inherited.merging(environment) { $1 }
    }
}
