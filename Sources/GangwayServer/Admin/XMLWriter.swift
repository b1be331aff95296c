/// Builds the small, flat XML documents of the Query protocol. Every text node goes through
/// ``escape(_:)``, so no caller can forget it.
struct XMLWriter: Sendable, Hashable {
    private(set) var text = ""

    /// `<name>value</name>`, the value escaped.
    mutating func element(_ name: String, _ value: String) {
        text += "<\(name)>\(Self.escape(value))</\(name)>"
    }

    /// `<name xmlns="...">` ... `</name>`, the content written by `content`.
    mutating func element(_ name: String, namespace: String? = nil, content: (inout XMLWriter) -> Void) {
        if let namespace {
            text += "<\(name) xmlns=\"\(Self.escape(namespace))\">"
        } else {
            text += "<\(name)>"
        }
        content(&self)
        text += "</\(name)>"
    }

    /// Text content, escaped.
    mutating func append(text value: String) {
        text += Self.escape(value)
    }

    /// Appends what another writer built.
    mutating func append(_ other: XMLWriter) {
        text += other.text
    }

    /// Escapes the five XML specials, and replaces what XML 1.0 cannot carry at all (most
    /// control characters, stray surrogates cannot occur in a Swift string) with U+FFFD, since
    /// error messages may quote whatever a client sent.
    static func escape(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\t", "\n": escaped.unicodeScalars.append(scalar)
            // A literal CR would be normalised to LF by any XML parser; a reference survives.
            case "\r": escaped += "&#13;"
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    escaped += "\u{FFFD}"
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped
    }
}
