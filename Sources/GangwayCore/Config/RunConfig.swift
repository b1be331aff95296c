/// A model server Gangway starts and supervises itself (`run:` under an endpoint or component):
/// `copies` processes of `command`, each on its own loopback port.
///
/// `{port}` and `{copy}` in the command and in environment values are replaced per copy, so one
/// line describes every copy (`--port {port}`, `CUDA_VISIBLE_DEVICES={copy}`).
public struct RunConfig: Sendable, Equatable {
    public static let portPlaceholder = "{port}"
    public static let copyPlaceholder = "{copy}"

    /// The program and its arguments; the program is looked up on `PATH` when it has no slash.
    public var command: [String]
    public var copies: Int = 1
    /// Added to (or replacing entries of) Gangway's own environment.
    public var environment: [String: String] = [:]
    /// Where the processes start; Gangway's own working directory when nil.
    public var workingDirectory: String?
    /// How long a copy may take to pass its first health check before it is restarted.
    /// Model servers load weights before they listen, which can take minutes.
    public var startupTimeout: Duration = .seconds(600)
    /// Time between SIGTERM and SIGKILL when a copy is stopped.
    public var gracePeriod: Duration = .seconds(10)
    /// The path that answers 200 once a copy serves; nil probes `/ping`, `/health`, `/v1/models`.
    public var healthPath: String?

    public init(command: [String], copies: Int = 1) {
        self.command = command
        self.copies = copies
    }

    /// The command line for one copy.
    public func arguments(port: Int, copy: Int) -> [String] {
        command.map { Self.substitute($0, port: port, copy: copy) }
    }

    /// The environment entries for one copy (only those from the config, placeholders replaced).
    public func environment(port: Int, copy: Int) -> [String: String] {
        environment.mapValues { Self.substitute($0, port: port, copy: copy) }
    }

    static func substitute(_ text: String, port: Int, copy: Int) -> String {
        text.replacing(portPlaceholder, with: String(port)).replacing(copyPlaceholder, with: String(copy))
    }
}
