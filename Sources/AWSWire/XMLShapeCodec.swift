// Shapes to and from XML, as the query protocol writes its results and rest-xml (S3)
// its bodies: members by `locationName`, lists wrapped in `<member>` unless flattened,
// maps as `<entry><key/><value/></entry>`, timestamps ISO 8601, blobs base64.
import AWSShapes
import Foundation

struct XMLShapeCodec {
    let model: ServiceModel

    // MARK: - writing

    /// Appends `value`'s members to `node`, each as an element named by the model.
    func write(_ value: AWSValue, _ shape: Shape, into node: XMLNode) {
        guard case .map(let entries) = value else { return }
        for member in shape.members where member.location == nil {
            guard let item = entries[member.name], item != .null else { continue }
            let memberShape = model.shape(member.shape)
            if member.xmlAttribute {
                node.attributes[member.wireName] = text(item, memberShape, member)
            } else {
                append(item, memberShape, member, name: member.wireName, to: node)
            }
        }
    }

    private func append(_ value: AWSValue, _ shape: Shape, _ member: Member, name: String, to parent: XMLNode) {
        switch (shape.kind, value) {
        case (.list, .list(let items)):
            let itemMember = shape.member!
            let itemShape = model.shape(itemMember.shape)
            if member.flattened || shape.flattened {
                for item in items { append(item, itemShape, itemMember, name: itemMember.locationName ?? name, to: parent) }
            } else {
                let wrapper = parent.add(XMLNode(name))
                for item in items { append(item, itemShape, itemMember, name: itemMember.locationName ?? "member", to: wrapper) }
            }
        case (.map, .map(let entries)):
            let flattened = member.flattened || shape.flattened
            let container = flattened ? parent : parent.add(XMLNode(name))
            for key in entries.keys.sorted() {
                let entry = container.add(XMLNode(flattened ? name : "entry"))
                entry.add(XMLNode(shape.key!.locationName ?? "key", text: key))
                append(entries[key]!, model.shape(shape.value!.shape), shape.value!,
                       name: shape.value!.locationName ?? "value", to: entry)
            }
        case (.structure, .map):
            let node = parent.add(XMLNode(name))
            if let ns = member.xmlNamespace { node.attributes["xmlns"] = ns }
            write(value, shape, into: node)
        default:
            parent.add(XMLNode(name, text: text(value, shape, member)))
        }
    }

    private func text(_ value: AWSValue, _ shape: Shape, _ member: Member) -> String {
        TextScalar.text(value, shape, member: member, timestamps: .iso8601)
    }

    // MARK: - reading

    /// Reads the members of `shape` from the children of `node`.
    func read(_ node: XMLNode, _ shape: Shape) -> AWSValue {
        var map: [String: AWSValue] = [:]
        for member in shape.members where member.location == nil {
            let memberShape = model.shape(member.shape)
            if member.xmlAttribute {
                if let text = node.attributes[member.wireName] { map[member.name] = TextScalar.value(text, memberShape, member: member) }
                continue
            }
            if let value = read(member, memberShape, in: node) { map[member.name] = value }
        }
        return .map(map)
    }

    private func read(_ member: Member, _ shape: Shape, in parent: XMLNode) -> AWSValue? {
        switch shape.kind {
        case .list:
            let itemMember = shape.member!
            let itemShape = model.shape(itemMember.shape)
            let nodes = member.flattened || shape.flattened
                ? parent.children(itemMember.locationName ?? member.wireName)
                : parent.child(member.wireName)?.children(itemMember.locationName ?? "member")
            return nodes.map { .list($0.map { scalarOrStructure($0, itemShape, itemMember) }) }
        case .map:
            let flattened = member.flattened || shape.flattened
            let entries = flattened ? parent.children(member.wireName) : parent.child(member.wireName)?.children("entry")
            guard let entries else { return nil }
            var map: [String: AWSValue] = [:]
            for entry in entries {
                guard let key = entry.child(shape.key!.locationName ?? "key")?.text,
                      let valueNode = entry.child(shape.value!.locationName ?? "value") else { continue }
                map[key] = scalarOrStructure(valueNode, model.shape(shape.value!.shape), shape.value!)
            }
            return .map(map)
        default:
            return parent.child(member.wireName).map { scalarOrStructure($0, shape, member) }
        }
    }

    func scalarOrStructure(_ node: XMLNode, _ shape: Shape, _ member: Member?) -> AWSValue {
        shape.kind == .structure ? read(node, shape) : TextScalar.value(node.text, shape, member: member)
    }
}
