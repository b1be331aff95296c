import AsyncHTTPClient
import Foundation
import GangwayCore
import GangwayServer
import GangwayTesting
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A whole Gangway whose endpoint runs its own mock model copies: the door opens once the
/// copies pass their health checks, survives one copy being killed, and routes to the
/// restarted copy again.
@Suite("Managed endpoint", .serialized)
struct ManagedEndpointTests {
    @Test("a managed copy killed, restarted, serving again through the door")
    func killedCopyServesAgain() async throws {
        let binary = try ManagedProcessSupport.requireBinary()
        // A tag unique to this test tells its processes apart from any other test's.
        let tag = "managed-\(UUID().uuidString.prefix(8).lowercased())"
        let config = try GangwayInstance.config(
            yaml: """
                endpoints:
                  - name: managed
                    run:
                      command: ["\(binary)", "mock-model", "--port", "{port}", "--model", "\(tag)-{copy}"]
                      copies: 2
                      grace_period: 5s
                """)
        let logs = LogCapture()
        let gangway = try await GangwayInstance.start(config, logCapture: logs)
        let base = gangway.openAIBase(endpoint: "managed")

        /// The model that answered a chat request through the door, nil on any failure.
        @Sendable func answeringModel() async -> String? {
            guard let reply = try? await gangway.post("\(base)/chat/completions", json: chatBody), reply.status == 200,
                let model = try? reply.json()["model"] as? String
            else { return nil }
            return model
        }

        var seen: Set<String> = []
        let bothServe = await eventually(within: .seconds(30)) {
            if let model = await answeringModel() { seen.insert(model) }
            return seen == ["\(tag)-0", "\(tag)-1"]
        }
        #expect(bothServe, "models seen: \(seen)")

        let copyZero = ManagedProcessSupport.children(matching: "\(tag)-0")
        #expect(copyZero.count == 1)
        let victim = try #require(copyZero.first)
        kill(victim, SIGKILL)

        // Once the supervisor has seen the exit, copy 0 is out of rotation and copy 1 takes every
        // request. (A request racing the crash itself may fail: it can go out on a kept-alive
        // connection to the dead process before anyone knows it died.)
        // (The supervisor says so in the log, unless a failed request or probe took the copy out
        // of rotation first; a replacement process shows it noticed either way.)
        let noticed = await eventually(within: .seconds(10)) {
            logs.text.contains("instance left rotation: managed copy stopped copy=managed#0")
                || ManagedProcessSupport.children(matching: "\(tag)-0").contains { $0 != victim }
        }
        #expect(noticed, "\(logs.text)")
        for _ in 0..<5 {
            let reply = try await gangway.post("\(base)/chat/completions", json: chatBody)
            #expect(reply.status == 200, "\(reply.status) \(reply.text)")
        }

        var replacement: Int32?
        let restarted = await eventually(within: .seconds(30)) {
            replacement = ManagedProcessSupport.children(matching: "\(tag)-0").first { $0 != victim }
            return replacement != nil
        }
        #expect(restarted)
        let servesAgain = await eventually(within: .seconds(30)) {
            await answeringModel() == "\(tag)-0"
        }
        #expect(servesAgain)

        let all = ManagedProcessSupport.children(matching: tag)
        #expect(all.count == 2)
        await gangway.server.stop(grace: .seconds(10))
        #expect(all.allSatisfy { !ManagedProcessSupport.isAlive($0) })
        #expect(ManagedProcessSupport.children(matching: tag).isEmpty)
    }

    @Test("on shutdown the copies stop only after the server has drained its streams")
    func copiesOutliveTheServer() async throws {
        let binary = try ManagedProcessSupport.requireBinary()
        // A slow stream (about a second), and no grace at all for the copy: if the supervisor
        // stopped it before the server had drained, SIGKILL would cut the stream short.
        let config = try GangwayInstance.config(
            yaml: """
                endpoints:
                  - name: draining
                    run:
                      command: ["\(binary)", "mock-model", "--port", "{port}", "--tokens-per-second", "10", "--tokens", "10"]
                      grace_period: 0s
                """)
        let gangway = try await GangwayInstance.start(config)
        let url = "\(gangway.openAIBase(endpoint: "draining"))/chat/completions"
        let ready = await eventually(within: .seconds(30)) {
            (try? await gangway.post(url, json: chatBody).status) == 200
        }
        #expect(ready)

        let streamBody = #"{"model":"","stream":true,"messages":[{"role":"user","content":"Hi"}]}"#
        let whole = sseData(try await gangway.post(url, json: streamBody).text)
        #expect(whole.last == "[DONE]")

        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in gangway.auth() { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: streamBody))
        // The response head has arrived: the stream is in flight when shutdown begins.
        request.headers.add(name: "connection", value: "close")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        #expect(response.status == .ok)
        let stopping = Task { await gangway.server.stop(grace: .seconds(20)) }
        let body = try await response.body.collect(upTo: 1 << 20)
        await stopping.value
        let events = sseData(String(buffer: body))
        #expect(events.last == "[DONE]", "\(String(buffer: body))")
        #expect(events.count == whole.count)
    }

    @Test("a door whose only copies are still starting answers 503, not 502")
    func startingCopiesAreOutOfRotation() async throws {
        let config = try GangwayInstance.config(
            yaml: """
                endpoints:
                  - name: loading
                    run:
                      command: ["/bin/sh", "-c", "exec sleep 600", "sh", "{port}"]
                """)
        let gangway = try await GangwayInstance.start(config)
        let reply = try await gangway.post("\(gangway.openAIBase(endpoint: "loading"))/chat/completions", json: chatBody)
        #expect(reply.status == 503, "\(reply.text)")
        await gangway.server.stop(grace: .seconds(10))
    }
}
