/// Gangway's whole configuration: a plain value with defaults for every key.
///
/// Built from a ``ConfigNode`` by ``GangwayConfig/init(node:)``; the server reads the file.
public struct GangwayConfig: Sendable, Equatable {
    public var account: String = "123456789012"
    public var region: String = "us-east-1"
    public var listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 8080)
    public var dataDirectory: String = "./gangway-data"
    /// Where one JSON line per request goes: `stdout`, `stderr`, `off`, or a file path.
    public var accessLog: String = "stdout"
    /// On SIGTERM/SIGINT: how long in-flight requests and streams may run before they are cut.
    public var drainTimeout: Duration = .seconds(30)
    /// Pending connections the kernel queues before Gangway accepts them (bursts of new clients).
    public var listenBacklog: Int = 4096
    /// Defaults applied to every endpoint that does not set its own.
    public var endpointDefaults = EndpointSettings()
    public var endpoints: [EndpointConfig] = []

    public init() {}
}

/// `host:port`, `[v6]:port`, or `:port`.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Loopback addresses are the only safe ones while a deployment has no authentication.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    public static func parse(_ text: String) -> ListenAddress? {
        let trimmed = text.trimmingWhitespace()
        let host: Substring
        let portText: Substring
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { return nil }
            host = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            let rest = trimmed[trimmed.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = trimmed.lastIndex(of: ":") else { return nil }
            host = trimmed[..<colon]
            portText = trimmed[trimmed.index(after: colon)...]
        }
        guard let port = Int(portText), (0...65535).contains(port) else { return nil }
        return ListenAddress(host: host.isEmpty ? "0.0.0.0" : String(host), port: port)
    }
}

/// Settings an endpoint may override; each has a default fit for LLM serving.
public struct EndpointSettings: Sendable, Equatable {
    public var routing: RoutingPolicy = .leastOutstandingRequests
    public var timeouts = UpstreamTimeouts()
    public var healthCheck = HealthCheckPolicy()
    /// Largest request body accepted on the OpenAI paths.
    public var maxBodyBytes: Int = 32 * 1024 * 1024
    /// Longest a SageMaker `InvokeEndpoint` may take, and longest an
    /// `InvokeEndpointWithResponseStream` may wait for the model's first byte (SageMaker: 60 s).
    public var invocationTimeout: Duration = .seconds(60)

    public init() {}
}

public enum RoutingPolicy: String, Sendable, Equatable, CaseIterable {
    case leastOutstandingRequests = "least-outstanding-requests"
    case random
}

public struct UpstreamTimeouts: Sendable, Equatable {
    /// Opening a TCP connection to an instance; a failure here is retried on another instance.
    public var connect: Duration = .seconds(3)
    /// From sending the request to the response head: covers prompt processing.
    public var firstByte: Duration = .seconds(300)
    /// Longest silence between two chunks of a response body.
    public var idle: Duration = .seconds(60)
    /// Whole request, streaming included.
    public var total: Duration = .seconds(15 * 60)

    public init() {}
}

public struct HealthCheckPolicy: Sendable, Equatable {
    public var interval: Duration = .seconds(5)
    public var timeout: Duration = .seconds(2)
    /// Consecutive failed probes that take an instance out of rotation.
    public var unhealthyThreshold: Int = 2
    /// Consecutive good probes that bring it back.
    public var healthyThreshold: Int = 1

    public init() {}
}

public struct EndpointConfig: Sendable, Equatable {
    public var name: String
    public var settings: EndpointSettings
    public var backend: Backend

    public enum Backend: Sendable, Equatable {
        /// A single-model endpoint: the endpoint has instances itself.
        case model(ModelConfig)
        /// An endpoint hosting inference components, one model each.
        case components([ComponentConfig])
    }

    public init(name: String, settings: EndpointSettings = EndpointSettings(), backend: Backend) {
        self.name = name
        self.settings = settings
        self.backend = backend
    }
}

public struct ComponentConfig: Sendable, Equatable {
    public var name: String
    public var model: ModelConfig

    public init(name: String, model: ModelConfig) {
        self.name = name
        self.model = model
    }
}

/// One model's servers: instances listed by URL, managed copies Gangway runs itself, or both.
public struct ModelConfig: Sendable, Equatable {
    public var instances: [InstanceConfig]
    public var run: RunConfig?

    public init(instances: [InstanceConfig], run: RunConfig? = nil) {
        self.instances = instances
        self.run = run
    }
}

public struct InstanceConfig: Sendable, Equatable {
    public var url: InstanceURL

    public init(url: InstanceURL) {
        self.url = url
    }
}

/// An instance's base URL: `http(s)://host:port[/prefix]`, without a trailing slash.
public struct InstanceURL: Sendable, Hashable, CustomStringConvertible {
    public let scheme: String
    public let host: String
    public let port: Int
    public let pathPrefix: String

    public init?(_ text: String) {
        let trimmed = text.trimmingWhitespace()
        let scheme: String
        let rest: Substring
        if trimmed.lowercased().hasPrefix("http://") {
            scheme = "http"
            rest = trimmed.dropFirst(7)
        } else if trimmed.lowercased().hasPrefix("https://") {
            scheme = "https"
            rest = trimmed.dropFirst(8)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var path = rest.dropFirst(authority.count)
        guard !path.contains("?"), !path.contains("#") else { return nil }
        while path.hasSuffix("/") { path = path.dropLast() }
        guard let address = ListenAddress.parse(String(authority)) ?? Self.hostOnly(authority, scheme: scheme),
            !address.host.isEmpty, address.host != "0.0.0.0", address.port > 0,
            !address.host.contains("@"), !address.host.contains(" ")
        else { return nil }
        self.scheme = scheme
        self.host = address.host
        self.port = address.port
        self.pathPrefix = String(path)
        self.authority = address.host.contains(":") ? "[\(address.host)]:\(address.port)" : "\(address.host):\(address.port)"
        // Made once: logs and the access log name the instance on every request.
        self.description = "\(scheme)://\(self.authority)\(pathPrefix)"
    }

    private static func hostOnly(_ authority: Substring, scheme: String) -> ListenAddress? {
        guard !authority.isEmpty, !authority.contains(":") || authority.hasPrefix("[") else { return nil }
        var host = authority
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        return ListenAddress(host: String(host), port: scheme == "https" ? 443 : 80)
    }

    /// `host:port` as a `Host` header carries it (an IPv6 address in brackets).
    public let authority: String
    public let description: String
}
