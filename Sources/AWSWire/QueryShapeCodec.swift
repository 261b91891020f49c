// The query protocol's request side: form fields such as `Tags.member.1.Key` or
// `Attributes.entry.1.value` read back into a boto3-shaped structure, by shape.
import AWSShapes
import Foundation

struct QueryShapeCodec {
    let model: ServiceModel
    private let fields: [String: String]
    /// Every dotted prefix present, so a structure knows whether any of its members came.
    private let prefixes: Set<String>

    init(model: ServiceModel, fields: [(name: String, value: String)]) {
        self.model = model
        var map: [String: String] = [:]
        var prefixes: Set<String> = []
        for (name, value) in fields {
            map[name] = value
            var parts = name.split(separator: ".")
            while !parts.isEmpty {
                prefixes.insert(parts.joined(separator: "."))
                parts.removeLast()
            }
        }
        self.fields = map
        self.prefixes = prefixes
    }

    func read(_ shape: Shape) -> AWSValue { structure(shape, prefix: "") }

    private func key(_ prefix: String, _ name: String) -> String { prefix.isEmpty ? name : "\(prefix).\(name)" }

    private func structure(_ shape: Shape, prefix: String) -> AWSValue {
        var map: [String: AWSValue] = [:]
        for member in shape.members {
            let name = key(prefix, member.locationName ?? member.name)
            if let value = value(model.shape(member.shape), member, at: name) { map[member.name] = value }
        }
        return .map(map)
    }

    private func value(_ shape: Shape, _ member: Member, at name: String) -> AWSValue? {
        switch shape.kind {
        case .structure, .unionStructure:
            return prefixes.contains(name) ? structure(shape, prefix: name) : nil
        case .list:
            // `Name=` with nothing after it is how botocore sends an empty list.
            if fields[name] == "" { return .list([]) }
            guard prefixes.contains(name) else { return nil }
            let flattened = member.flattened || shape.flattened
            let base = flattened ? name : key(name, shape.member!.locationName ?? "member")
            var items: [AWSValue] = []
            let itemShape = model.shape(shape.member!.shape)
            while items.count < 10_000, let item = value(itemShape, shape.member!, at: "\(base).\(items.count + 1)") {
                items.append(item)
            }
            return .list(items)
        case .map:
            guard prefixes.contains(name) else { return nil }
            let base = member.flattened || shape.flattened ? name : key(name, "entry")
            var map: [String: AWSValue] = [:]
            var i = 1
            while i <= 10_000, let k = fields["\(base).\(i).\(shape.key!.locationName ?? "key")"] {
                let valueName = "\(base).\(i).\(shape.value!.locationName ?? "value")"
                map[k] = value(model.shape(shape.value!.shape), shape.value!, at: valueName) ?? .string("")
                i += 1
            }
            return .map(map)
        default:
            return fields[name].map { TextScalar.value($0, shape, member: member) }
        }
    }
}
