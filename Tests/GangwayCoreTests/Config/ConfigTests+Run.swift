import GangwayCore
import Testing

/// `run:` (managed model processes) in the configuration.
extension ConfigTests {
    static let llamaCommand: ConfigNode = .list(
        ["python3", "-m", "llama_cpp.server", "--model", "m.gguf", "--port", "{port}"].map { .string($0) })

    static func runEndpoint(_ run: KeyValuePairs<String, ConfigNode>, extra: KeyValuePairs<String, ConfigNode> = [:]) -> ConfigNode {
        var entries: [String: ConfigNode] = ["name": .string("x"), "run": map(run)]
        for (key, value) in extra { entries[key] = value }
        return map(["endpoints": .list([.map(entries)])])
    }

    static let runBadCases: [BadCase] = [
        BadCase(node: runEndpoint(["copies": .int(2)]), error: "endpoints[0].run.command: required"),
        BadCase(
            node: runEndpoint(["command": .string("python3 -m llama_cpp.server --port {port}")]),
            error:
                #"endpoints[0].run.command: expected a list of arguments (example: [python3, -m, llama_cpp.server, --port, "{port}"])"#
        ),
        BadCase(node: runEndpoint(["command": .list([])]), error: "endpoints[0].run.command: must not be empty"),
        BadCase(
            node: runEndpoint(["command": .list([.string("server"), .list([])])]),
            error: "endpoints[0].run.command[1]: expected a string, found a list"),
        BadCase(
            node: runEndpoint(["command": .list([.string("python3"), .string("-m"), .string("server")])]),
            error:
                "endpoints[0].run.command: must contain {port} (in an argument or an env value): each copy listens on the port Gangway gives it"
        ),
        BadCase(
            node: runEndpoint(["command": llamaCommand, "copies": .int(0)]),
            error: "endpoints[0].run.copies: must be between 1 and 256, found 0"),
        BadCase(
            node: runEndpoint(["command": llamaCommand, "startup_timeout": .string("soon")]),
            error: "endpoints[0].run.startup_timeout: not a duration (examples: 500ms, 30s, 5m, 1h)"),
        BadCase(
            node: runEndpoint(["command": llamaCommand, "startup_timeout": .string("500ms")]),
            error: "endpoints[0].run.startup_timeout: must be at least 1.0 seconds"),
        BadCase(
            node: runEndpoint(["command": llamaCommand, "health_path": .string("v1/models")]),
            error: "endpoints[0].run.health_path: must be a path starting with / (example: /v1/models)"),
        BadCase(
            node: runEndpoint(["command": llamaCommand, "env": .list([])]),
            error: "endpoints[0].run.env: expected a mapping, found a list"),
        BadCase(
            node: runEndpoint(["command": llamaCommand, "env": map(["A=B": .string("c")])]),
            error: "endpoints[0].run.env.A=B: not a valid environment variable name"),
        BadCase(
            node: runEndpoint(["command": llamaCommand, "env": map(["OPTS": map([:])])]),
            error: "endpoints[0].run.env.OPTS: expected a string, found a mapping"),
        BadCase(
            node: runEndpoint(["command": llamaCommand, "working_directory": .string("")]),
            error: "endpoints[0].run.working_directory: must not be empty"),
        BadCase(
            node: runEndpoint(["command": llamaCommand, "copy": .int(2)]), error: "endpoints[0].run.copy: unknown key"),
        BadCase(node: runEndpoint([:], extra: ["run": .string("python3")]), error: "endpoints[0].run: expected a mapping, found a string"),
        BadCase(
            node: map([
                "endpoints": .list([
                    map([
                        "name": .string("x"),
                        "inference_components": .list([map(["name": .string("c"), "run": map(["command": .list([])])])]),
                    ])
                ])
            ]),
            error: "endpoints[0].inference_components[0].run.command: must not be empty"),
        BadCase(
            node: map([
                "endpoints": .list([
                    map([
                        "name": .string("x"), "run": map(["command": llamaCommand]),
                        "inference_components": .list([map(["name": .string("c"), "instances": .list([.string("http://h:1")])])]),
                    ])
                ])
            ]),
            error: "endpoints[0].run: an endpoint hosting inference_components runs none itself"),
    ]

    @Test("run: every key, with defaults for what is left out")
    func runDefaultsAndKeys() throws {
        let minimal = try GangwayConfig(node: Self.runEndpoint(["command": Self.llamaCommand]))
        guard case .model(let model) = minimal.endpoints[0].backend, let run = model.run else {
            Issue.record("expected a managed single-model endpoint")
            return
        }
        #expect(model.instances.isEmpty)
        #expect(run.command == ["python3", "-m", "llama_cpp.server", "--model", "m.gguf", "--port", "{port}"])
        #expect(run.copies == 1)
        #expect(run.environment.isEmpty)
        #expect(run.workingDirectory == nil)
        #expect(run.startupTimeout == .seconds(600))
        #expect(run.gracePeriod == .seconds(10))
        #expect(run.healthPath == nil)

        let full = try GangwayConfig(
            node: Self.runEndpoint(
                [
                    "command": .list([.string("server"), .string("--threads"), .int(4), .string("--port={port}")]),
                    "copies": .int(2),
                    "env": Self.map(["CUDA_VISIBLE_DEVICES": .string("{copy}"), "DEBUG": .bool(true), "EMPTY": .null]),
                    "working_directory": .string("/srv/models"),
                    "startup_timeout": .string("20m"),
                    "grace_period": .int(0),
                    "health_path": .string("/health"),
                ],
                extra: ["instances": .list([.string("http://10.0.0.5:8000")])]))
        guard case .model(let fullModel) = full.endpoints[0].backend, let fullRun = fullModel.run else {
            Issue.record("expected a managed single-model endpoint")
            return
        }
        #expect(fullModel.instances.map(\.url.description) == ["http://10.0.0.5:8000"])
        #expect(fullRun.command == ["server", "--threads", "4", "--port={port}"])
        #expect(fullRun.copies == 2)
        #expect(fullRun.environment == ["CUDA_VISIBLE_DEVICES": "{copy}", "DEBUG": "true", "EMPTY": ""])
        #expect(fullRun.workingDirectory == "/srv/models")
        #expect(fullRun.startupTimeout == .seconds(1200))
        #expect(fullRun.gracePeriod == .zero)
        #expect(fullRun.healthPath == "/health")
    }

    @Test("run: in an inference component")
    func runInComponent() throws {
        let node = Self.map([
            "endpoints": .list([
                Self.map([
                    "name": .string("shared"),
                    "inference_components": .list([
                        Self.map(["name": .string("general"), "instances": .list([.string("http://127.0.0.1:8003")])]),
                        Self.map(["name": .string("summarizer"), "run": Self.map(["command": Self.llamaCommand, "copies": .int(2)])]),
                    ]),
                ])
            ])
        ])
        let config = try GangwayConfig(node: node)
        guard case .components(let components) = config.endpoints[0].backend else {
            Issue.record("expected components")
            return
        }
        #expect(components[0].model.run == nil)
        #expect(components[1].model.run?.copies == 2)
        #expect(components[1].model.instances.isEmpty)
    }

    @Test(
        "placeholders are replaced per copy, in arguments and env values",
        arguments: [
            (["--port", "{port}", "--name=copy-{copy}", "{port}{port}"], 8123, 1, ["--port", "8123", "--name=copy-1", "81238123"]),
            (["serve", "{copy}", "{other}"], 9000, 0, ["serve", "0", "{other}"]),
        ])
    func placeholders(command: [String], port: Int, copy: Int, expected: [String]) {
        var run = RunConfig(command: command)
        run.environment = ["PORT": "{port}", "GPU": "{copy}", "FIXED": "x"]
        #expect(run.arguments(port: port, copy: copy) == expected)
        #expect(run.environment(port: port, copy: copy) == ["PORT": String(port), "GPU": String(copy), "FIXED": "x"])
    }

    @Test("{port} in an env value is enough")
    func portInEnvironment() throws {
        let config = try GangwayConfig(
            node: Self.runEndpoint(["command": .list([.string("server")]), "env": Self.map(["PORT": .string("{port}")])]))
        guard case .model(let model) = config.endpoints[0].backend else {
            Issue.record("expected a single-model endpoint")
            return
        }
        #expect(model.run?.environment == ["PORT": "{port}"])
    }
}
