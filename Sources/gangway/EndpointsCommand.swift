import ArgumentParser
import AsyncHTTPClient
import Foundation
import GangwayCore
import NIOCore

struct EndpointsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "endpoints",
        abstract: "Show endpoints, components and instances with health and in-flight requests.",
        discussion: "Signs the request with SigV4 from the AWS credential chain, like `gangway token`; needs sagemaker:DescribeEndpoint."
    )

    @Option(help: "Gangway's URL.") var endpointURL = "http://127.0.0.1:8080"
    @Option(help: "Profile in the shared credentials file.") var profile: String?
    @Option(help: "Region Gangway serves (default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1).") var region: String?
    @Flag(help: "Print the raw JSON.") var json = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let region = region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        let (keyID, secret, sessionToken) = try TokenCommand.credentials(profile: profile, environment: environment)
        let base = endpointURL.hasSuffix("/") ? String(endpointURL.dropLast()) : endpointURL
        guard let url = URL(string: base + "/gangway/v1/endpoints"), let host = url.host else {
            throw ValidationError("--endpoint-url: not a URL")
        }
        let authority = url.port.map { "\(host):\($0)" } ?? host
        let signer = SigV4Signer(
            accessKeyId: keyID, secretAccessKey: secret, sessionToken: sessionToken, region: region, service: "sagemaker")
        let signed = signer.sign(
            SigV4Request(method: "GET", rawPath: "/gangway/v1/endpoints", headers: [("Host", authority)], payload: .empty),
            now: Date())
        var request = HTTPClientRequest(url: url.absoluteString)
        for (name, value) in signed.headers where name.lowercased() != "host" {
            request.headers.add(name: name, value: value)
        }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            body = try await response.body.collect(upTo: 16 * 1024 * 1024)
        } catch {
            throw CommandFailure("cannot reach Gangway at \(base): \(error)")
        }
        let data = Data(body.readableBytesView)
        guard response.status == .ok else {
            let message =
                ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]).flatMap {
                    ($0["error"] as? [String: Any])?["message"] as? String
                } ?? "HTTP \(response.status.code)"
            throw CommandFailure(message)
        }
        if json {
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let document = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        print(EndpointTable.render(document?["endpoints"] as? [[String: Any]] ?? []))
    }
}

/// Formats the status document as an aligned text table.
enum EndpointTable {
    static func render(_ endpoints: [[String: Any]]) -> String {
        var rows: [[String]] = [["ENDPOINT", "COMPONENT", "INSTANCE", "HEALTH", "IN-FLIGHT"]]
        for endpoint in endpoints {
            let name = endpoint["name"] as? String ?? "?"
            func add(_ component: String, _ instances: [[String: Any]]) {
                for instance in instances {
                    rows.append([
                        name, component, instance["url"] as? String ?? "?", instance["health"] as? String ?? "?",
                        String(instance["in_flight"] as? Int ?? 0),
                    ])
                }
            }
            if let components = endpoint["components"] as? [[String: Any]] {
                for component in components {
                    add(component["name"] as? String ?? "?", component["instances"] as? [[String: Any]] ?? [])
                }
            } else {
                add("-", endpoint["instances"] as? [[String: Any]] ?? [])
            }
        }
        if rows.count == 1 { return "no endpoints (or none you may describe)" }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
