/// The length and pattern a string parameter must satisfy, as IAM's service model states
/// them. The pattern's text is only for messages; ``matches`` is its exact equivalent.
struct StringConstraint: Sendable {
    /// In UTF-16 code units, as AWS counts them.
    let length: ClosedRange<Int>
    /// The constraint's wording in a ``ParameterViolation``.
    let patternDescription: String
    let matches: @Sendable (String) -> Bool

    /// The constraints a value breaks, in AWS's order: length first, then pattern.
    func violations(of value: String) -> [String] {
        var broken: [String] = []
        let count = value.utf16.count
        if count < length.lowerBound {
            broken.append("Member must have length greater than or equal to \(length.lowerBound)")
        }
        if count > length.upperBound {
            broken.append("Member must have length less than or equal to \(length.upperBound)")
        }
        if !matches(value) {
            broken.append(patternDescription)
        }
        return broken
    }
}

extension StringConstraint {
    private typealias Pattern = (description: String, matches: @Sendable (String) -> Bool)

    private static func pattern(_ text: String, _ matches: @escaping @Sendable (String) -> Bool) -> Pattern {
        ("Member must satisfy regular expression pattern: \(text)", matches)
    }

    /// Java's `\w` without the Unicode flag: ASCII letters, digits and `_`.
    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isWordCharacter(scalar) || "+=,.@-".unicodeScalars.contains(scalar)
    }

    private static func nonEmpty(_ value: String, all test: (Unicode.Scalar) -> Bool) -> Bool {
        !value.isEmpty && value.unicodeScalars.allSatisfy(test)
    }

    private init(length: ClosedRange<Int>, pattern: Pattern) {
        self.init(length: length, patternDescription: pattern.description, matches: pattern.matches)
    }

    /// `userNameType`: a new user's name.
    static let userName = Self(
        length: 1...64, pattern: pattern(#"[\w+=,.@-]+"#) { nonEmpty($0, all: isNameCharacter) })

    /// `existingUserNameType`: a user that should exist (IAM allows longer names here).
    static let existingUserName = Self(
        length: 1...128, pattern: pattern(#"[\w+=,.@-]+"#) { nonEmpty($0, all: isNameCharacter) })

    static let policyName = Self(
        length: 1...128, pattern: pattern(#"[\w+=,.@-]+"#) { nonEmpty($0, all: isNameCharacter) })

    /// `/`, or `/` + printable ASCII + `/`.
    static let path = Self(
        length: 1...512,
        pattern: pattern(#"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)"#) { value in
            let scalars = Array(value.unicodeScalars)
            if scalars == ["/"] { return true }
            return scalars.count >= 3 && scalars.first == "/" && scalars.last == "/"
                && scalars.allSatisfy { (0x21...0x7E).contains($0.value) }
        })

    static let pathPrefix = Self(
        length: 1...512,
        pattern: pattern(#"\u002F[\u0021-\u007F]*"#) { value in
            value.unicodeScalars.first == "/" && value.unicodeScalars.allSatisfy { (0x21...0x7F).contains($0.value) }
        })

    static let marker = Self(
        length: 1...320,
        pattern: pattern(#"[\u0020-\u00FF]+"#) { value in
            nonEmpty(value) { (0x20...0xFF).contains($0.value) }
        })

    static let accessKeyID = Self(
        length: 16...128, pattern: pattern(#"[\w]+"#) { nonEmpty($0, all: isWordCharacter) })

    /// IAM refuses documents with characters beyond Latin-1, and so does Gangway.
    static let policyDocument = Self(
        length: 1...131_072,
        pattern: pattern(#"[\u0009\u000A\u000D\u0020-\u00FF]+"#) { value in
            nonEmpty(value) { [0x09, 0x0A, 0x0D].contains($0.value) || (0x20...0xFF).contains($0.value) }
        })

    /// A string enumeration, such as an access key's `Status`.
    static func oneOf(_ values: [String]) -> Self {
        Self(
            length: 0...Int.max,
            patternDescription: "Member must satisfy enum value set: [\(values.joined(separator: ", "))]",
            matches: { values.contains($0) })
    }
}
