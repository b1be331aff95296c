import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An XML document as a tree of elements, so tests can read fields by path and know the
/// body was well-formed XML in the first place.
struct ParsedXML: Sendable, Hashable {
    var name: String
    var attributes: [String: String] = [:]
    var text = ""
    var children: [ParsedXML] = []

    struct Malformed: Error {}

    init(name: String) {
        self.name = name
    }

    init(_ body: String) throws {
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(body.utf8))
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else { throw Malformed() }
        self = root
    }

    /// The first element at the path of child names below this one.
    subscript(_ path: String...) -> ParsedXML? {
        var node: ParsedXML? = self
        for name in path {
            node = node?.children.first { $0.name == name }
        }
        return node
    }

    /// The text of the element at the path.
    func value(_ path: String...) -> String? {
        var node: ParsedXML? = self
        for name in path {
            node = node?.children.first { $0.name == name }
        }
        return node?.text
    }

    /// The `member` elements of the list at the path.
    func members(_ path: String...) -> [ParsedXML] {
        var node: ParsedXML? = self
        for name in path {
            node = node?.children.first { $0.name == name }
        }
        return node?.children.filter { $0.name == "member" } ?? []
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [ParsedXML] = []
    var root: ParsedXML?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        var node = ParsedXML(name: elementName)
        node.attributes = attributes
        stack.append(node)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard let node = stack.popLast() else { return }
        if stack.isEmpty {
            root = node
        } else {
            stack[stack.count - 1].children.append(node)
        }
    }
}
