import GangwayTesting
import GangwayMockModel
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// What only a raw connection shows: chunk framing, connection reuse, and client hang-ups.
@Suite struct ConnectionTests {
    static let stream = #"{"messages":[{"role":"user","content":"hi"}],"stream":true,"max_tokens":24}"#

    @Test func eachEventIsItsOwnWriteAndSplitBytesCutsThem() async throws {
        try await MockServer.run { client, _ in
            let port = try #require(client.port)
            let whole = try await RawHTTPConnection.with(port: port) { connection in
                try await connection.send(RawHTTPConnection.post("/v1/chat/completions", json: Self.stream))
                return try await connection.readResponse()
            }
            let split = try await RawHTTPConnection.with(port: port) { connection in
                try await connection.send(RawHTTPConnection.post("/v1/chat/completions", json: Self.stream, headers: ["x-mock-split-bytes: 5"]))
                return try await connection.readResponse()
            }
            #expect(whole.statusLine == "HTTP/1.1 200 OK")
            #expect(whole.header("connection") == "close")
            // Without splitting, one chunk on the wire per event.
            #expect(whole.chunks.count == 24 + 3)
            #expect(whole.chunks.allSatisfy { $0.starts(with: Array("data: ".utf8)) && $0.suffix(2) == [0x0A, 0x0A] })
            // Split: same bytes, pieces of at most 5 bytes, some cutting a multi-byte character.
            #expect(split.body == whole.body)
            #expect(split.chunks.allSatisfy { $0.count <= 5 })
            #expect(split.chunks.contains { String(validating: $0, as: UTF8.self) == nil })
        }
    }

    @Test func plainAnswersKeepTheConnectionAndStreamsCloseIt() async throws {
        try await MockServer.run { client, _ in
            let port = try #require(client.port)
            try await RawHTTPConnection.with(port: port) { connection in
                for _ in 0..<2 {
                    try await connection.send(RawHTTPConnection.post("/v1/chat/completions", json: #"{"messages":[],"max_tokens":1}"#))
                    let response = try await connection.readResponse()
                    #expect(response.statusLine == "HTTP/1.1 200 OK")
                    #expect(response.header("connection") == nil)
                }
                try await connection.send(RawHTTPConnection.post("/v1/chat/completions", json: Self.stream))
                let streamed = try await connection.readResponse()
                #expect(streamed.header("connection") == "close")
                try await connection.read(until: { _ in false })
                #expect(connection.isClosedByServer)
            }
        }
    }

    @Test func clientHangingUpMidPauseAbortsTheStream() async throws {
        try await MockServer.run { client, stats in
            let port = try #require(client.port)
            // A one-minute pause between chunks: the abort can only be seen in time if the
            // sleeping stream notices the closed connection.
            try await RawHTTPConnection.with(port: port) { connection in
                try await connection.send(
                    RawHTTPConnection.post("/v1/chat/completions", json: Self.stream, headers: ["x-mock-chunk-delay-ms: 60000"]))
                try await connection.read(until: { String(buffer: $0).contains("\n\n") && String(buffer: $0).contains("data: ") })
                try await eventually { stats.activeStreams == 1 }
            }
            try await eventually { stats.abortedStreams == 1 }
            #expect(stats.snapshot == MockModelStats.Snapshot(requests: 1, activeStreams: 0, completedStreams: 0, abortedStreams: 1))
        }
    }
}
