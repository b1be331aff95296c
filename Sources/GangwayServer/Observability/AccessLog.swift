import Foundation
import GangwayCore
import Synchronization

/// Writes one JSON line per request to standard output, standard error or a file.
public final class AccessLog: Sendable {
    enum Destination {
        case off
        case handle(FileHandle)
    }

    private let destination: Mutex<Destination>
    /// Whether lines are written at all (the destination never changes): with the log off, an
    /// exchange gathers nothing for it.
    public let isEnabled: Bool

    /// Writes nothing.
    public static let disabled = AccessLog(destination: .off)

    private init(destination: Destination) {
        self.destination = Mutex(destination)
        self.isEnabled = if case .off = destination { false } else { true }
    }

    /// `stdout`, `stderr`, `off`, or a file path (appended to; created with mode 0640).
    public convenience init(setting: String) throws {
        let destination: Destination
        switch setting {
        case "off": destination = .off
        case "stdout": destination = .handle(.standardOutput)
        case "stderr": destination = .handle(.standardError)
        default:
            if !FileManager.default.fileExists(atPath: setting) {
                guard FileManager.default.createFile(atPath: setting, contents: nil, attributes: [.posixPermissions: 0o640])
                else { throw AccessLogError(description: "cannot create access log \(setting)") }
            }
            guard let handle = FileHandle(forWritingAtPath: setting) else {
                throw AccessLogError(description: "cannot open access log \(setting) for writing")
            }
            handle.seekToEndOfFile()
            destination = .handle(handle)
        }
        self.init(destination: destination)
    }

    struct AccessLogError: Error, CustomStringConvertible {
        let description: String
    }

    func write(
        _ record: RequestRecord, method: String, path: @autoclosure () -> String, client: String?,
        end: @autoclosure () -> ContinuousClock.Instant
    ) {
        guard isEnabled else { return }
        let line = Self.line(record, method: method, path: path(), client: client, end: end())
        destination.withLock { destination in
            if case .handle(let handle) = destination { handle.write(Data(line.utf8)) }
        }
    }

    static func line(_ record: RequestRecord, method: String, path: String, client: String?, end: ContinuousClock.Instant) -> String {
        let fields = record.snapshot
        var json = "{"
        func add(_ key: String, _ value: String?) {
            guard let value else { return }
            if json.count > 1 { json += "," }
            json += "\"\(key)\":" + JSONString.quoted(value)
        }
        func add(_ key: String, number: Int?) {
            guard let number else { return }
            if json.count > 1 { json += "," }
            json += "\"\(key)\":\(number)"
        }
        add("time", ISO8601DateFormatter.string(from: record.wallClockStart, timeZone: .gmt, formatOptions: [.withInternetDateTime, .withFractionalSeconds]))
        add("request_id", record.requestID)
        add("method", method)
        add("path", path)
        add("status", number: fields.status)
        add("principal", fields.principalARN)
        add("access_key_id", fields.accessKeyID)
        add("endpoint", fields.endpoint)
        add("component", fields.component)
        add("instance", fields.instance)
        add("bytes_in", number: fields.bytesIn)
        add("bytes_out", number: fields.bytesOut)
        add("ttfb_us", number: fields.timeToFirstByte.map { Int($0.microseconds) })
        add("total_us", number: Int((end - record.start).microseconds))
        add("prompt_tokens", number: fields.promptTokens)
        add("completion_tokens", number: fields.completionTokens)
        add("error", fields.error)
        add("client", client)
        return json + "}\n"
    }
}

extension Duration {
    var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
