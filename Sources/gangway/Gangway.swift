import ArgumentParser

struct Gangway: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gangway",
        abstract: "A self-hosted, OpenAI-compatible front door for private LLM inference.",
        subcommands: [ServeCommand.self, TokenCommand.self, EndpointsCommand.self, MockModelCommand.self]
    )

    /// Runs the command line (async: `serve` and `endpoints` await).
    static func start() async {
        await main()
    }
}
