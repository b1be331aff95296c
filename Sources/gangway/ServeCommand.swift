import ArgumentParser
import Foundation
import NIOCore
import GangwayCore
import GangwayMockModel
import GangwayServer
import Hummingbird
import Logging
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Gangway server."
    )

    @Option(help: "Configuration file (YAML). Every key is optional.") var config: String?
    @Flag(help: "Also start a built-in mock model server behind an endpoint named 'demo'.") var demo = false
    @Option(help: "Override the listen address from the config (host:port).") var listen: String?
    @Option(help: "Log level (trace, debug, info, notice, warning, error).") var logLevel: String?

    func run() async throws {
        _ = try LogSetup.bootstrap(level: logLevel)
        let logger = Logger(label: "gangway")
        var listenOverride: ListenAddress?
        if let listen {
            guard let address = ListenAddress.parse(listen) else {
                throw ValidationError("--listen: expected host:port (example: 127.0.0.1:8080)")
            }
            listenOverride = address
        }
        // The file as the command line amends it; read again on SIGHUP.
        let configPath = config
        let readConfig: @Sendable () throws -> GangwayConfig = { [listenOverride] in
            var loaded = try configPath.map(ConfigLoader.load(path:)) ?? GangwayConfig()
            if let listenOverride { loaded.listen = listenOverride }
            return loaded
        }
        var settings: GangwayConfig
        do {
            settings = try readConfig()
        } catch {
            throw CommandFailure("\(error)")
        }
        let store = try await IdentitySetup.open(config: settings, logger: logger)
        if !settings.listen.isLoopback {
            logger.notice(
                "listening on \(settings.listen) in plain HTTP: bearer tokens and signed requests cross the network unencrypted; put a TLS terminator in front of Gangway"
            )
        }

        var extraServices: [any Service] = []
        var demoModelPort: Int?
        var demoEndpoint: EndpointConfig?
        if demo {
            guard settings.endpoints.allSatisfy({ $0.name.lowercased() != "demo" }) else {
                throw CommandFailure("--demo adds an endpoint named 'demo', but the config already has one")
            }
            let port = try await FreePort.pick(host: "127.0.0.1")
            let mock = MockModel.makeApplication(
                configuration: MockModelConfiguration(host: "127.0.0.1", port: port, tokensPerSecond: 20))
            extraServices.append(mock)
            demoModelPort = port
            let instance = InstanceConfig(url: InstanceURL("http://127.0.0.1:\(port)")!)
            demoEndpoint = EndpointConfig(
                name: "demo", settings: settings.endpointDefaults, backend: .model(ModelConfig(instances: [instance])))
            settings.endpoints.append(demoEndpoint!)
        }
        let reload: (@Sendable () throws -> GangwayConfig)? =
            configPath == nil
            ? nil
            : { @Sendable [demoEndpoint] in
                var loaded = try readConfig()
                if let demoEndpoint { loaded.endpoints.append(demoEndpoint) }
                return loaded
            }

        let accessLog: AccessLog
        do {
            accessLog = try AccessLog(setting: settings.accessLog)
        } catch {
            throw CommandFailure("access_log: \(error)")
        }
        let app = GangwayApplication.build(
            config: settings, store: store, logger: logger, accessLog: accessLog, extraServices: extraServices,
            reloadConfig: reload
        ) { [settings, demoModelPort] port in
            let base = "http://\(settings.listen.host.contains(":") ? "[\(settings.listen.host)]" : settings.listen.host):\(port)"
            announce("Gangway listening on \(base)")
            for endpoint in settings.endpoints {
                announce("  endpoint \(endpoint.name): \(base)/endpoints/\(endpoint.name)/openai/v1")
            }
            if let demoModelPort {
                announce(
                    DemoInstructions.text(
                        base: base, modelPort: demoModelPort, credentials: IdentitySetup.credentialsPath(settings)))
            }
        }
        // SIGTERM/SIGINT close the listener and let in-flight requests and streams finish, for
        // at most the drain timeout; then what is left is cancelled.
        var groupConfiguration = ServiceGroupConfiguration(
            services: [app], gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = settings.drainTimeout
        let group = ServiceGroup(configuration: groupConfiguration)
        do {
            try await group.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw CommandFailure(
                "cannot listen on \(settings.listen): the address is already in use; stop the other server or choose another port (--listen HOST:PORT, or listen: in the config)"
            )
        } catch let error as IOError where error.errnoCode == EACCES {
            throw CommandFailure(
                "cannot listen on \(settings.listen): permission denied; ports below 1024 need privileges, choose a higher port (--listen HOST:PORT)"
            )
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}

enum DemoInstructions {
    static func text(base: String, modelPort: Int, credentials: String) -> String {
        """

        Demo: a built-in mock model (port \(modelPort)) is serving behind the endpoint 'demo'.
        Callers need a bearer token; make one from the admin credentials (valid 1 hour):

          export AWS_SHARED_CREDENTIALS_FILE=\(credentials) AWS_PROFILE=gangway
          TOKEN=$(gangway token --expires 1h)

        Try it with curl:

          curl -s \(base)/endpoints/demo/openai/v1/chat/completions \\
            -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
            -d '{"model":"","messages":[{"role":"user","content":"Hello!"}]}'

          curl -sN \(base)/endpoints/demo/openai/v1/chat/completions \\
            -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
            -d '{"model":"","stream":true,"messages":[{"role":"user","content":"Hello!"}]}'

        Or with the OpenAI Python SDK (pip install openai):

          import os
          from openai import OpenAI
          client = OpenAI(base_url="\(base)/endpoints/demo/openai/v1", api_key=os.environ["TOKEN"])
          reply = client.chat.completions.create(model="", messages=[{"role": "user", "content": "Hello!"}])
          print(reply.choices[0].message.content)

        Press Ctrl-C to stop.
        """
    }
}
