import ArgumentParser
import Foundation
import Logging

/// One logging setup for every command: lines on standard error, level from `--log-level`
/// or `GANGWAY_LOG_LEVEL`.
enum LogSetup {
    static func bootstrap(level: String?) throws -> Logger.Level {
        let text = level ?? ProcessInfo.processInfo.environment["GANGWAY_LOG_LEVEL"] ?? "info"
        guard let parsed = Logger.Level(rawValue: text.lowercased()) else {
            throw ValidationError("unknown log level \"\(text)\" (trace, debug, info, notice, warning, error, critical)")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = parsed
            return handler
        }
        return parsed
    }
}
