/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
struct SigV4AuthorizationHeader: Sendable, Equatable {
    static let maximumLength = 16 * 1024

    var credential: SigV4Credential
    /// Lower-case names in the order the client listed them.
    var signedHeaders: [String]
    var signature: String

    /// Strict: the algorithm, then each of the three components exactly once, separated by
    /// commas with optional spaces; nothing else.
    init(parsing value: String) throws(SigV4Failure) {
        guard value.utf8.count <= Self.maximumLength else {
            throw SigV4Failure(.incompleteSignature, .headerTooLong(bytes: value.utf8.count))
        }
        let algorithmPrefix = SigV4CanonicalRequest.algorithm + " "
        guard value.hasPrefix(algorithmPrefix) else { throw SigV4Failure(.incompleteSignature, .wrongAlgorithm) }
        var credential: Substring?
        var signedHeaders: Substring?
        var signature: Substring?
        for rawPart in value.dropFirst(algorithmPrefix.count).split(separator: ",", omittingEmptySubsequences: false) {
            let part = rawPart.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()
            let text = Substring(String(part))
            guard let equals = text.firstIndex(of: "=") else {
                throw SigV4Failure(.incompleteSignature, .malformedParameter)
            }
            let name = text[text.startIndex..<equals]
            let content = text[text.index(after: equals)...]
            switch name {
            case "Credential":
                guard credential == nil else { throw SigV4Failure(.incompleteSignature, .repeatedParameter("Credential")) }
                credential = content
            case "SignedHeaders":
                guard signedHeaders == nil else {
                    throw SigV4Failure(.incompleteSignature, .repeatedParameter("SignedHeaders"))
                }
                signedHeaders = content
            case "Signature":
                guard signature == nil else { throw SigV4Failure(.incompleteSignature, .repeatedParameter("Signature")) }
                signature = content
            default:
                throw SigV4Failure(.incompleteSignature, .unknownParameter)
            }
        }
        guard let credential else { throw SigV4Failure(.incompleteSignature, .missingParameter("Credential")) }
        guard let signedHeaders else { throw SigV4Failure(.incompleteSignature, .missingParameter("SignedHeaders")) }
        guard let signature else { throw SigV4Failure(.incompleteSignature, .missingParameter("Signature")) }
        guard let parsedCredential = SigV4Credential(parsing: credential) else {
            throw SigV4Failure(.incompleteSignature, .malformedCredential)
        }
        guard SigV4Encoding.parseLowerHex32(signature) != nil else {
            throw SigV4Failure(.incompleteSignature, .malformedSignature)
        }
        let names = signedHeaders.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard !names.isEmpty, names.allSatisfy(Self.isHeaderName), Set(names).count == names.count else {
            throw SigV4Failure(.incompleteSignature, .wrongSignedHeaders)
        }
        self.credential = parsedCredential
        self.signedHeaders = names
        self.signature = String(signature)
    }

    /// A lower-case HTTP token of bounded length (so it can be named in a log line).
    private static func isHeaderName(_ name: String) -> Bool {
        (1...128).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
            }
    }
}
