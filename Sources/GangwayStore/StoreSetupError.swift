/// Why the store could not be opened: a bad master key, a key file with loose permissions, an
/// unwritable data directory. The message is one line fit to print before exiting, and never
/// contains key material.
public struct StoreSetupError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
