import ArgumentParser
import Foundation
import GangwayCore

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a bearer token made locally from AWS credentials (the SageMaker SDK's format).",
        discussion: """
            Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), \
            else from the shared credentials file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials), \
            profile --profile, AWS_PROFILE or 'default'. Use it as 'Authorization: Bearer <token>' or as \
            the OpenAI SDK's api_key.
            """
    )

    @Option(help: "Profile in the shared credentials file.") var profile: String?
    @Option(help: "Region the token is for (default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1).") var region: String?
    @Option(help: "Lifetime, at most 12h (examples: 15m, 1h, 12h).") var expires = "12h"

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let lifetime = ConfigDuration.parse(expires) else {
            throw ValidationError("--expires: not a duration (examples: 15m, 1h, 12h)")
        }
        let seconds = Int(lifetime.components.seconds)
        guard BearerToken.expiryRange.contains(seconds) else {
            throw ValidationError("--expires must be between 1s and 12h, found \(expires)")
        }
        let region = region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        let (accessKeyID, secret, sessionToken) = try Self.credentials(profile: profile, environment: environment)
        let token = BearerToken.generate(
            accessKeyId: accessKeyID, secretAccessKey: secret, sessionToken: sessionToken, region: region,
            issuedAt: Date(), expiresInSeconds: seconds)
        print(token.reveal())
    }

    static func credentials(profile: String?, environment: [String: String]) throws -> (String, Secret, Secret?) {
        if profile == nil, let id = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"],
            !id.isEmpty, !secret.isEmpty
        {
            return (id, Secret(secret), environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : Secret($0) })
        }
        let profileName = profile ?? environment["AWS_PROFILE"] ?? "default"
        let path =
            environment["AWS_SHARED_CREDENTIALS_FILE"]
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.aws/credentials")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CommandFailure(
                "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or create \(path)")
        }
        guard let found = SharedCredentials(text: text).credentials(profile: profileName) else {
            throw CommandFailure("profile '\(profileName)' in \(path) has no aws_access_key_id and aws_secret_access_key")
        }
        return found
    }
}
