import Foundation

/// The command line, parsed by hand to keep the load generator's dependencies to NIO.
struct LoadGenOptions {
    enum Mode: String { case latency, rate, streams }

    var mode: Mode
    var targets: [Target] = []
    var seconds = 5.0
    var warmup = 0.5
    var rate = 1000.0
    var connections = 16
    var concurrency = 1
    var ramp = 0.0
    var once = false
    var stallMilliseconds = 500.0

    init(_ arguments: [String]) throws {
        guard let first = arguments.first, let mode = Mode(rawValue: first) else {
            throw UsageError("usage: gangway-loadgen latency|rate|streams --target URL [options] (see main.swift)")
        }
        self.mode = mode
        // A --header before any --target applies to every target; after one, to that target.
        var specs: [(spec: String, headers: [(String, String)])] = []
        var headers: [(String, String)] = []
        var body: [UInt8] = []
        var index = 1
        func value() throws -> String {
            index += 1
            guard index < arguments.count else { throw UsageError("\(arguments[index - 1]) needs a value") }
            return arguments[index]
        }
        func number() throws -> Double {
            let text = try value()
            guard let number = Double(text), number >= 0 else { throw UsageError("\(arguments[index - 1]): not a number: \(text)") }
            return number
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--target": specs.append((try value(), []))
            case "--header":
                let line = try value()
                guard let colon = line.firstIndex(of: ":") else { throw UsageError("--header: expected 'Name: value'") }
                let header = (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
                if specs.isEmpty { headers.append(header) } else { specs[specs.count - 1].headers.append(header) }
            case "--body":
                let path = try value()
                guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("--body: cannot read \(path)") }
                body = Array(data)
            case "--seconds": self.seconds = try number()
            case "--warmup": self.warmup = try number()
            case "--rate": self.rate = max(try number(), 1)
            case "--connections": self.connections = max(Int(try number()), 1)
            case "--concurrency": self.concurrency = max(Int(try number()), 1)
            case "--ramp": self.ramp = try number()
            case "--stall-ms": self.stallMilliseconds = try number()
            case "--once": self.once = true
            default: throw UsageError("unknown option \(arguments[index])")
            }
            index += 1
        }
        guard !specs.isEmpty else { throw UsageError("at least one --target is needed") }
        self.targets = try specs.map { try Target(spec: $0.spec, headers: headers + $0.headers, body: body) }
    }
}
