/// IAM's rules for names, paths and documents, shared by every backend so they all refuse
/// the same input with the same message.
enum IdentityValidation {
    static let maxAccessKeysPerUser = 2

    /// User and policy names: IAM's `[\w+=,.@-]+`.
    private static func isNameCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || "_+=,.@-".contains(c))
    }

    static func userName(_ name: String) throws(IdentityStoreError) {
        guard (1...64).contains(name.count), name.allSatisfy(isNameCharacter) else {
            throw IdentityStoreError(
                .invalidInput,
                "The user name must be 1 to 64 characters of letters, digits and _+=,.@-.")
        }
    }

    static func policyName(_ name: String) throws(IdentityStoreError) {
        guard (1...128).contains(name.count), name.allSatisfy(isNameCharacter) else {
            throw IdentityStoreError(
                .invalidInput,
                "The policy name must be 1 to 128 characters of letters, digits and _+=,.@-.")
        }
    }

    /// Paths are `/` or `/a/b/`: printable ASCII, starting and ending with a slash.
    static func path(_ path: String) throws(IdentityStoreError) {
        guard (1...512).contains(path.count), path.hasPrefix("/"), path.hasSuffix("/"),
            path.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) })
        else {
            throw IdentityStoreError(
                .invalidInput, "The path must start and end with / and hold at most 512 printable characters.")
        }
    }

    static func pathPrefix(_ prefix: String) throws(IdentityStoreError) {
        guard (1...512).contains(prefix.count), prefix.hasPrefix("/"),
            prefix.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) })
        else {
            throw IdentityStoreError(.invalidInput, "The path prefix must start with / and hold printable characters.")
        }
    }

    /// IAM's own bound on a policy document's length.
    static func policyDocument(_ document: String) throws(IdentityStoreError) {
        guard (1...131_072).contains(document.count) else {
            throw IdentityStoreError(.invalidInput, "The policy document must be 1 to 131072 characters.")
        }
    }

    /// Access key ids are looked up as given; anything that cannot be one is simply not found.
    static func isPlausibleAccessKeyID(_ id: String) -> Bool {
        (16...128).contains(id.utf8.count) && id.utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E }
    }
}
