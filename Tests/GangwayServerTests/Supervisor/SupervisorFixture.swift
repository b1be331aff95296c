import Foundation
import GangwayCore
import GangwayServer
import GangwayTesting
import Logging
import NIOHTTP1
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// A ``ProcessSupervisor`` over the managed copies of a YAML configuration, running in its own
/// service group as `gangway serve` runs it, with every log entry captured.
struct SupervisorFixture {
    let registry: EndpointRegistry
    let supervisor: ProcessSupervisor
    let logs: LogCapture
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let client: UpstreamClient

    static func start(yaml: String) throws -> SupervisorFixture {
        let config = try GangwayInstance.config(yaml: yaml)
        let registry = EndpointRegistry(config: config)
        let logs = LogCapture()
        let client = UpstreamClient(connectTimeout: .seconds(1))
        let supervisor = ProcessSupervisor(registry: registry, client: client, logger: logs.logger(label: "gangway"))
        var quiet = Logger(label: "service-group")
        quiet.logLevel = .critical
        let group = ServiceGroup(configuration: .init(services: [supervisor], logger: quiet))
        let task = Task { try await group.run() }
        return SupervisorFixture(registry: registry, supervisor: supervisor, logs: logs, group: group, task: task, client: client)
    }

    /// Graceful shutdown, as on SIGTERM; returns once every copy's process has exited.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
        try await client.shutdown()
    }

    func status(_ copy: Int = 0) -> ProcessSupervisor.CopyStatus {
        supervisor.status()[copy]
    }
}

enum ManagedProcessSupport {
    /// The `gangway` executable built with the tests (it provides `gangway mock-model`):
    /// `GANGWAY_BIN`, else next to the test bundle in the build folder.
    static var gangwayBinary: String? {
        if let path = ProcessInfo.processInfo.environment["GANGWAY_BIN"] { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("gangway").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    static func requireBinary() throws -> String {
        guard let path = gangwayBinary else { throw MissingBinary() }
        return path
    }

    struct MissingBinary: Error, CustomStringConvertible {
        var description: String { "the gangway executable was not found next to the tests: build it, or set GANGWAY_BIN" }
    }

    /// Whether a process with this pid is running. A zombie is not: a process reparented to an
    /// init that is slow to reap stays one for a while after it was killed.
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }

    /// Processes whose parent is this test process and whose command line contains `text`.
    static func children(matching text: String) -> [Int32] {
        let me = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            // Fields after the command name: state, then the parent pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, Int32(fields[1]) == me,
                let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
            else { return false }
            return String(decoding: cmdline.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(text)
        }
    }

    /// GET a model server directly; the body on 200, else nil.
    static func get(_ url: String) async -> String? {
        guard let reply = try? await HTTPTestClient.send(.GET, url), reply.status == 200 else { return nil }
        return reply.text
    }
}
