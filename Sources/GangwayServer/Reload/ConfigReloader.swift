import GangwayCore
import Logging
import ServiceLifecycle
import UnixSignals

/// Re-reads the configuration on SIGHUP and swaps the endpoint registry in place: new
/// endpoints and components appear, removed ones drain, changed instances are swapped, and no
/// request in flight is dropped. A bad configuration is refused with one log line and the
/// running one stays in force.
struct ConfigReloader: Service {
    let live: LiveRegistry
    let running: GangwayConfig
    let load: @Sendable () throws -> GangwayConfig
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                reload()
            }
        }
    }

    /// Applies the configuration `load` returns now; returns what happened, for logs and tests.
    @discardableResult
    func reload() -> Result<String, ReloadRefusal> {
        let result: Result<String, ReloadRefusal>
        do {
            let config = try load()
            try Self.checkUnchangeable(running: running, new: config)
            let previous = live.current
            let next = try EndpointRegistry(config: config, reusing: previous)
            live.replace(with: next)
            let (added, removed, changed) = next.changes(since: previous)
            result = .success(
                "added \(added.isEmpty ? "none" : added.joined(separator: ", ")); "
                    + "removed \(removed.isEmpty ? "none" : removed.joined(separator: ", ")); "
                    + "changed \(changed.isEmpty ? "none" : changed.joined(separator: ", "))")
        } catch let refusal as ReloadRefusal {
            result = .failure(refusal)
        } catch {
            result = .failure(ReloadRefusal(description: "\(error)"))
        }
        switch result {
        case .success(let summary):
            logger.notice("configuration reloaded", metadata: ["changes": "\(summary)"])
        case .failure(let refusal):
            logger.error(
                "configuration reload refused; the running configuration stays in force",
                metadata: ["reason": "\(refusal.description)"])
        }
        return result
    }

    /// Settings bound at start (the socket, the store, names in ARNs, the log sink).
    static func checkUnchangeable(running: GangwayConfig, new: GangwayConfig) throws(ReloadRefusal) {
        let fixed: [(String, Bool)] = [
            ("listen", running.listen == new.listen),
            ("data", running.dataDirectory == new.dataDirectory),
            ("account", running.account == new.account),
            ("region", running.region == new.region),
            ("access_log", running.accessLog == new.accessLog),
        ]
        if let changed = fixed.first(where: { !$0.1 }) {
            throw ReloadRefusal(description: "\(changed.0) cannot change on reload; restart Gangway to apply it")
        }
    }
}
