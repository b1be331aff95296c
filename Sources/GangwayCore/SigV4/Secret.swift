/// A secret value (an access key's secret, a bearer token, a master key) that refuses to be printed.
///
/// Interpolating, printing, dumping or mirroring a `Secret` yields `<redacted>`, so a secret that
/// strays into a log line or an error message leaks nothing. The only way to the value is
/// ``reveal()``, which is easy to grep for in review.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    public init(_ value: String) {
        self.value = value
    }

    /// The secret itself. Call only where the value must leave the process or feed a MAC.
    public func reveal() -> String {
        value
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "Secret(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
