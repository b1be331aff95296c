/// The AWS shared-credentials file format (`~/.aws/credentials`): INI sections named after
/// profiles, `key = value` lines, `#` and `;` comments.
public struct SharedCredentials: Sendable, Equatable {
    public var profiles: [String: [String: String]]

    public init(text: String) {
        var profiles: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                var name = String(line.dropFirst().dropLast()).trimmingWhitespace()
                // The config file's spelling; accepted here too.
                if name.hasPrefix("profile ") { name = String(name.dropFirst(8)).trimmingWhitespace() }
                current = name
                profiles[name, default: [:]] = profiles[name] ?? [:]
                continue
            }
            guard let profile = current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingWhitespace().lowercased()
            let value = line[line.index(after: equals)...].trimmingWhitespace()
            profiles[profile, default: [:]][key] = value
        }
        self.profiles = profiles
    }

    /// Access key id, secret and optional session token of a profile.
    public func credentials(profile: String) -> (accessKeyID: String, secret: Secret, sessionToken: Secret?)? {
        guard let entries = profiles[profile], let id = entries["aws_access_key_id"], !id.isEmpty,
            let secret = entries["aws_secret_access_key"], !secret.isEmpty
        else { return nil }
        return (id, Secret(secret), entries["aws_session_token"].map(Secret.init))
    }
}
