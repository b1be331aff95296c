public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the master key came from, for the server to log.
public enum MasterKeySource: Sendable, Hashable {
    /// The `GANGWAY_MASTER_KEY` environment variable.
    case environment
    /// An existing key file.
    case keyFile(URL)
    /// A key file created just now, on first start.
    case newKeyFile(URL)
}

/// The master key that encrypts secrets at rest, loaded from the environment or a key file.
public struct MasterKey: Sendable {
    public static let environmentVariable = "GANGWAY_MASTER_KEY"

    public let secretBox: SecretBox
    public let source: MasterKeySource

    /// Loads the key from `GANGWAY_MASTER_KEY` (base64 of 32 bytes) if that variable is set,
    /// else from `keyFile`, creating that file with mode 0600 if it does not exist.
    ///
    /// An existing key file that group or others may read is refused, as ssh refuses such a
    /// private key: whoever can read it can decrypt every secret.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment, keyFile: URL
    ) throws(StoreSetupError) -> MasterKey {
        if let text = environment[environmentVariable] {
            return MasterKey(secretBox: try parse(text, origin: environmentVariable), source: .environment)
        }
        if POSIXFile.exists(keyFile) {
            return MasterKey(secretBox: try read(keyFile), source: .keyFile(keyFile))
        }
        let (box, keyBytes) = SecretBox.generate()
        let contents = Array((Data(keyBytes).base64EncodedString() + "\n").utf8)
        do {
            try POSIXFile.createExclusive(keyFile, contents: contents, mode: 0o600)
        } catch  where error.code == EEXIST {
            // Another process created it first; use theirs.
            return MasterKey(secretBox: try read(keyFile), source: .keyFile(keyFile))
        } catch {
            throw StoreSetupError("Cannot create the master key file: \(error)")
        }
        POSIXFile.syncDirectory(of: keyFile)
        return MasterKey(secretBox: box, source: .newKeyFile(keyFile))
    }

    private static func read(_ keyFile: URL) throws(StoreSetupError) -> SecretBox {
        let mode: mode_t
        let data: Data
        do {
            mode = try POSIXFile.mode(of: keyFile)
            data = try Data(contentsOf: keyFile)
        } catch {
            throw StoreSetupError("Cannot read the master key file \(keyFile.path): \(error)")
        }
        guard mode & 0o077 == 0 else {
            throw StoreSetupError(
                "The master key file \(keyFile.path) may be read by others (mode \(String(mode, radix: 8))); "
                    + "make it private with `chmod 600 \(keyFile.path)`.")
        }
        return try parse(String(decoding: data, as: UTF8.self), origin: "The master key file \(keyFile.path)")
    }

    /// The message says what is wrong without echoing the value.
    private static func parse(_ text: String, origin: String) throws(StoreSetupError) -> SecretBox {
        let hint = "must hold the base64 encoding of 32 random bytes (such as the output of `openssl rand -base64 32`)"
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw StoreSetupError("\(origin) \(hint), but it is not base64.")
        }
        guard bytes.count == SecretBox.keyByteCount else {
            throw StoreSetupError("\(origin) \(hint), but it holds \(bytes.count) bytes.")
        }
        return try SecretBox(keyBytes: Array(bytes))
    }
}
