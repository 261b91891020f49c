// XML for the query and rest-xml protocols: a small element tree read with Foundation's
// XMLParser (libxml2 underneath) and written with the escapes XML requires.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

final class XMLNode {
    let name: String
    var attributes: [String: String] = [:]
    var children: [XMLNode] = []
    var text = ""

    init(_ name: String, text: String = "") {
        self.name = name
        self.text = text
    }

    func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }
    func children(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }

    @discardableResult
    func add(_ node: XMLNode) -> XMLNode {
        children.append(node)
        return node
    }

    var document: String { "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + rendered }

    var rendered: String {
        var out = ""
        render(into: &out)
        return out
    }

    private func render(into out: inout String) {
        out += "<\(name)"
        for key in attributes.keys.sorted() { out += " \(key)=\"\(Self.escape(attributes[key]!))\"" }
        if children.isEmpty && text.isEmpty {
            out += "/>"
            return
        }
        out += ">" + Self.escape(text)
        for child in children { child.render(into: &out) }
        out += "</\(name)>"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\r": out += "&#xD;"
            case _ where scalar.value < 0x20 && scalar != "\n" && scalar != "\t": out += "&#x\(String(scalar.value, radix: 16));"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Parses a document; nil when it is not well-formed. External entities are never
    /// resolved (no XXE), and the body size is bounded by the server before this.
    static func parse(_ data: Data) -> XMLNode? {
        let delegate = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.delegate = delegate
        guard parser.parse(), let root = delegate.root else { return nil }
        return root
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var root: XMLNode?
    private var stack: [XMLNode] = []

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        let local = name.split(separator: ":").last.map(String.init) ?? name
        let node = XMLNode(local)
        node.attributes = attributes
        stack.last?.add(node)
        if root == nil { root = node }
        stack.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        _ = stack.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }
}
