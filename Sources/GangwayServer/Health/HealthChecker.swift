import AsyncHTTPClient
import GangwayCore
import Logging
import NIOCore
import ServiceLifecycle

/// Probes every instance of every pool at its endpoint's interval and moves instances in and
/// out of rotation. Probes `GET /ping`; an instance that answers 404 there is probed at
/// `/health`, then `/v1/models`, and the path that worked is remembered.
struct HealthChecker: Service {
    let registry: LiveRegistry
    let client: HTTPClient
    let logger: Logger

    static let probePaths = ["/ping", "/health", "/v1/models"]

    init(registry: LiveRegistry, client: UpstreamClient, logger: Logger) {
        self.registry = registry
        self.client = client.http
        self.logger = logger
    }

    /// One probe loop per pool; after a reload, loops start for new pools and the loops of
    /// removed pools end on their own.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                var probing: [ObjectIdentifier: ModelPool] = [:]
                func startNewLoops() {
                    for pool in registry.current.allPools where probing[ObjectIdentifier(pool)] == nil {
                        probing[ObjectIdentifier(pool)] = pool
                        group.addTask { await probeLoop(pool) }
                    }
                }
                startNewLoops()
                for await _ in registry.changes {
                    startNewLoops()
                }
                group.cancelAll()
            }
        }
    }

    private func probeLoop(_ pool: ModelPool) async {
        let interval = pool.settings.healthCheck.interval
        while !Task.isCancelled, registry.contains(pool) {
            await probeAll(pool)
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }

    /// One round over a pool's instances, concurrently, so one slow instance delays no other.
    func probeAll(_ pool: ModelPool) async {
        await withTaskGroup(of: Void.self) { group in
            for instance in pool.instances {
                group.addTask {
                    let healthy = await probe(instance, in: pool)
                    switch pool.recordProbe(instance, healthy: healthy) {
                    case .leftRotation:
                        logger.warning(
                            "instance left rotation: health check failed",
                            metadata: ["target": "\(pool.target)", "instance": "\(instance.url)"])
                    case .returnedToRotation:
                        logger.notice(
                            "instance returned to rotation", metadata: ["target": "\(pool.target)", "instance": "\(instance.url)"])
                    case nil:
                        break
                    }
                }
            }
        }
    }

    private func probe(_ instance: ModelPool.Instance, in pool: ModelPool) async -> Bool {
        let timeout = TimeAmount.nanoseconds(pool.settings.healthCheck.timeout.nanoseconds)
        let remembered = pool.probePath(instance)
        let candidates = remembered.map { [$0] } ?? Self.probePaths
        for path in candidates {
            var request = HTTPClientRequest(url: instance.url.description + path)
            request.method = .GET
            do {
                let response = try await client.execute(request, timeout: timeout)
                _ = try? await response.body.collect(upTo: 64 * 1024)
                if (200..<300).contains(response.status.code) {
                    if remembered == nil { pool.setProbePath(path, for: instance) }
                    return true
                }
                // Only "no such path" sends the probe to the next candidate; a remembered path that
                // vanished (a different server on that port) is forgotten for the next round.
                guard response.status == .notFound, remembered == nil else {
                    if response.status == .notFound { pool.setProbePath(nil, for: instance) }
                    return false
                }
            } catch {
                return false
            }
        }
        return false
    }
}
