import Foundation
import GangwayCore
import GangwayServer
import GangwayTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The supervisor with real processes: the mock model (`gangway mock-model`) and small shell
/// scripts that misbehave on purpose. Serialized: each test starts processes and waits on them.
@Suite("Process supervisor", .serialized)
struct ProcessSupervisorTests {
    @Test("copies start out of rotation, serve once healthy, and a killed copy is restarted and serves again")
    func killedCopyRestarts() async throws {
        let binary = try ManagedProcessSupport.requireBinary()
        let fixture = try SupervisorFixture.start(
            yaml: """
                endpoints:
                  - name: managed
                    run:
                      command: ["\(binary)", "mock-model", "--port", "{port}", "--model", "copy-{copy}"]
                      copies: 2
                """)
        let pool = try #require(fixture.registry.allPools.first)
        // Nothing runs yet when the registry is built: the copies must wait for a good probe.
        #expect(pool.status().map(\.health) == [.unhealthy, .unhealthy])

        let serving = await eventually(within: .seconds(30)) {
            fixture.supervisor.status().allSatisfy { $0.state == .serving }
        }
        #expect(serving, "\(fixture.supervisor.status())\n\(fixture.logs.text)")
        #expect(pool.status().map(\.health) == [.healthy, .healthy])
        let before = fixture.supervisor.status()
        #expect(Set(before.map(\.port)).count == 2)
        #expect(pool.instances.map(\.url.description) == before.map { "http://127.0.0.1:\($0.port)" })
        for (copy, status) in before.enumerated() {
            let models = await ManagedProcessSupport.get("http://127.0.0.1:\(status.port)/v1/models")
            #expect(models?.contains("\"copy-\(copy)\"") == true, "copy \(copy) answers as itself")
        }
        // Each copy's output reaches the log under its prefix.
        #expect(fixture.logs.text.contains("[managed#1] mock-model listening on http://127.0.0.1:\(before[1].port)"))

        let victim = try #require(before[0].pid)
        kill(victim, SIGKILL)
        let restarted = await eventually(within: .seconds(30)) {
            let status = fixture.status(0)
            return status.state == .serving && status.pid != victim && status.restarts == 1
        }
        #expect(restarted, "\(fixture.supervisor.status())\n\(fixture.logs.text)")
        #expect(fixture.logs.text.contains("managed copy exited"))
        #expect(fixture.logs.text.contains("status=signal 9 (SIGKILL)"))
        #expect(fixture.logs.text.contains("restarting managed copy"))
        let models = await ManagedProcessSupport.get("http://127.0.0.1:\(before[0].port)/v1/models")
        #expect(models?.contains("\"copy-0\"") == true, "the restarted copy serves on the same port")
        #expect(pool.status()[0].health == .healthy)
        // The other copy was left alone. (Compared with its own count before the kill, which a
        // failed first start may already have raised: seen once under load, cause not found.)
        #expect(fixture.status(1).pid == before[1].pid)
        #expect(fixture.status(1).restarts == before[1].restarts)

        let pids = fixture.supervisor.status().compactMap(\.pid)
        try await fixture.stop()
        #expect(pids.allSatisfy { !ManagedProcessSupport.isAlive($0) })
        #expect(fixture.supervisor.status().allSatisfy { $0.state == .stopped && $0.pid == nil })
        #expect(pool.status().map(\.health) == [.unhealthy, .unhealthy])
    }

    @Test("a copy that ignores SIGTERM is killed after its grace period")
    func sigkillAfterGrace() async throws {
        let fixture = try SupervisorFixture.start(
            yaml: """
                endpoints:
                  - name: stubborn
                    run:
                      command: ["/bin/sh", "-c", "trap '' TERM; echo ignoring TERM; while true; do sleep 0.1; done", "sh", "{port}"]
                      grace_period: 300ms
                """)
        let started = await eventually(within: .seconds(10)) {
            fixture.logs.text.contains("[stubborn#0] ignoring TERM")
        }
        #expect(started, "\(fixture.logs.text)")
        let pid = try #require(fixture.status().pid)
        try await fixture.stop()
        #expect(!ManagedProcessSupport.isAlive(pid))
        #expect(fixture.logs.text.contains("managed copy still running after its grace period; sending SIGKILL"))
        #expect(fixture.logs.text.contains("status=signal 9 (SIGKILL)"))
        #expect(fixture.status().state == .stopped)
    }

    @Test("a copy that stops on SIGTERM is not killed")
    func sigtermSuffices() async throws {
        let fixture = try SupervisorFixture.start(
            yaml: """
                endpoints:
                  - name: polite
                    run:
                      command: ["/bin/sh", "-c", "echo up; exec sleep 600", "sh", "{port}"]
                """)
        #expect(await eventually(within: .seconds(10)) { fixture.logs.text.contains("[polite#0] up") })
        try await fixture.stop()
        #expect(fixture.logs.text.contains("status=signal 15 (SIGTERM)"), "\(fixture.logs.text)")
        #expect(!fixture.logs.text.contains("sending SIGKILL"))
    }

    @Test("environment, working directory and placeholders reach the process")
    func environmentAndDirectory() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gangway-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = try SupervisorFixture.start(
            yaml: """
                endpoints:
                  - name: shell
                    run:
                      command: ["/bin/sh", "-c", "echo \\"$GREETING in $(pwd) as copy {copy} on port $PORT\\"; exec sleep 600"]
                      copies: 2
                      env: { GREETING: "hello from {copy}", PORT: "{port}" }
                      working_directory: \(directory.path)
                """)
        let ports = fixture.supervisor.status().map(\.port)
        let expected = (0..<2).map { "[shell#\($0)] hello from \($0) in \(directory.path) as copy \($0) on port \(ports[$0])" }
        let logged = await eventually(within: .seconds(10)) {
            expected.allSatisfy { fixture.logs.text.contains($0) }
        }
        #expect(logged, "\(fixture.logs.text)")
        try await fixture.stop()
    }

    @Test("a program that cannot start is retried with backoff and never enters rotation")
    func spawnFailure() async throws {
        let fixture = try SupervisorFixture.start(
            yaml: """
                endpoints:
                  - name: missing
                    run:
                      command: ["/nonexistent/model-server", "--port", "{port}"]
                """)
        let retried = await eventually(within: .seconds(10)) { fixture.status().restarts >= 1 }
        #expect(retried)
        #expect(fixture.logs.text.contains("managed copy could not start"))
        #expect(fixture.logs.text.contains("cannot start /nonexistent/model-server: No such file or directory"))
        #expect(fixture.registry.allPools[0].status()[0].health == .unhealthy)
        try await fixture.stop()
        #expect(fixture.status().state == .stopped)
    }

    @Test("a copy that never passes its health check is restarted after the startup timeout")
    func startupTimeout() async throws {
        let fixture = try SupervisorFixture.start(
            yaml: """
                endpoints:
                  - name: silent
                    run:
                      command: ["/bin/sh", "-c", "exec sleep 600", "sh", "{port}"]
                      startup_timeout: 1s
                      grace_period: 1s
                """)
        let first = await eventually(within: .seconds(10)) { fixture.status().pid != nil }
        #expect(first)
        let victim = try #require(fixture.status().pid)
        let restarted = await eventually(within: .seconds(15)) {
            fixture.status().restarts >= 1 && fixture.status().pid != nil && fixture.status().pid != victim
        }
        #expect(restarted, "\(fixture.supervisor.status())\n\(fixture.logs.text)")
        #expect(fixture.logs.text.contains("did not pass a health check within its startup timeout"))
        #expect(!ManagedProcessSupport.isAlive(victim))
        #expect(fixture.registry.allPools[0].status()[0].health == .unhealthy)
        try await fixture.stop()
    }

    @Test("processes a copy started are killed with it")
    func processGroupIsCleanedUp() async throws {
        let fixture = try SupervisorFixture.start(
            yaml: """
                endpoints:
                  - name: parent
                    run:
                      command: ["/bin/sh", "-c", "sleep 600 & echo child $!; exec sleep 600", "sh", "{port}"]
                """)
        var child: Int32?
        let announced = await eventually(within: .seconds(10)) {
            guard let line = fixture.logs.text.split(separator: "\n").first(where: { $0.contains("[parent#0] child ") }),
                let pid = line.split(separator: " ").last.flatMap({ Int32($0) })
            else { return false }
            child = pid
            return true
        }
        #expect(announced, "\(fixture.logs.text)")
        let leader = try #require(fixture.status().pid)
        let grandchild = try #require(child)
        #expect(ManagedProcessSupport.isAlive(grandchild))
        kill(leader, SIGKILL)
        // The leader's death takes the rest of its group with it, so a restart finds the port free.
        let cleaned = await eventually(within: .seconds(10)) { !ManagedProcessSupport.isAlive(grandchild) }
        #expect(cleaned)
        try await fixture.stop()
    }
}
