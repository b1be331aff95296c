/// How a child process ended, decoded from a `waitpid` status word.
struct ExitStatus: Sendable, Equatable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        case exited(code: Int32)
        case signaled(signal: Int32)
    }

    let kind: Kind

    init(_ kind: Kind) {
        self.kind = kind
    }

    /// The `WIFEXITED`/`WTERMSIG` macros are not importable, so the word is decoded by hand
    /// (the layout is the same on Linux and the BSDs).
    init(waitStatus status: Int32) {
        let signal = status & 0x7f
        kind = signal == 0 ? .exited(code: (status >> 8) & 0xff) : .signaled(signal: signal)
    }

    var description: String {
        switch kind {
        case .exited(let code): "exit status \(code)"
        case .signaled(let signal): "signal \(signal)\(Self.signalNames[signal].map { " (\($0))" } ?? "")"
        }
    }

    private static let signalNames: [Int32: String] = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE",
        9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 15: "SIGTERM",
    ]
}
