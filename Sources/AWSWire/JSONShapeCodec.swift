// JSON bodies of the json, rest-json protocols, read and written by shape: blobs are
// base64, timestamps epoch seconds unless the model says otherwise, and a
// `jsonvalue` header or member is JSON text.
import AWSShapes
import Foundation

struct JSONShapeCodec {
    let model: ServiceModel

    func decode(_ data: Data, shape: String) throws -> AWSValue {
        guard !data.isEmpty else { return .empty }
        let tree: JSONTree
        do {
            tree = try JSONTree.parse(data)
        } catch {
            throw WireError.serialization("The request body is not valid JSON.")
        }
        return value(tree, model.shape(shape), member: nil)
    }

    func value(_ tree: JSONTree, _ shape: Shape, member: Member?) -> AWSValue {
        switch (shape.kind, tree) {
        case (_, .null): return .null
        case (.structure, .object(let dict)), (.unionStructure, .object(let dict)):
            var map: [String: AWSValue] = [:]
            for m in shape.members where m.location == nil {
                if let item = dict[m.wireName] { map[m.name] = value(item, model.shape(m.shape), member: m) }
            }
            return .map(map)
        case (.list, .array(let items)):
            let inner = model.shape(shape.member!.shape)
            return .list(items.map { value($0, inner, member: shape.member) })
        case (.map, .object(let dict)):
            let inner = model.shape(shape.value!.shape)
            return .map(dict.mapValues { value($0, inner, member: shape.value) })
        case (.blob, .string(let text)):
            return .blob(Data(base64Encoded: text) ?? Data(text.utf8))
        case (.timestamp, .integer(let i)): return .timestamp(Date(timeIntervalSince1970: Double(i)))
        case (.timestamp, .double(let d)): return .timestamp(Date(timeIntervalSince1970: d))
        case (.timestamp, .string(let s)): return TimestampFormat.parse(s).map(AWSValue.timestamp) ?? .string(s)
        case (.float, .integer(let i)), (.double, .integer(let i)): return .double(Double(i))
        case (.string, _) where member?.jsonValue == true:
            if case .string(let s) = tree { return .string(s) }
            return .string(tree.text)
        default: return Self.raw(tree)
        }
    }

    /// A JSON value with no shape to guide it (documents, and wrong types left for the validator).
    static func raw(_ tree: JSONTree) -> AWSValue {
        switch tree {
        case .null: .null
        case .bool(let b): .bool(b)
        case .integer(let i): .integer(i)
        case .double(let d): .double(d)
        case .string(let s): .string(s)
        case .array(let a): .list(a.map(raw))
        case .object(let d): .map(d.mapValues(raw))
        }
    }

    func encode(_ value: AWSValue, shape: String?) -> Data {
        let tree = shape.map { json(value, model.shape($0), member: nil) } ?? .object([:])
        return Data(tree.text.utf8)
    }

    func json(_ value: AWSValue, _ shape: Shape, member: Member?) -> JSONTree {
        switch (shape.kind, value) {
        case (.structure, .map(let entries)), (.unionStructure, .map(let entries)):
            var dict: [String: JSONTree] = [:]
            for m in shape.members where m.location == nil {
                if let item = entries[m.name], item != .null { dict[m.wireName] = json(item, model.shape(m.shape), member: m) }
            }
            return .object(dict)
        case (.list, .list(let items)):
            let inner = model.shape(shape.member!.shape)
            return .array(items.map { json($0, inner, member: shape.member) })
        case (.map, .map(let entries)):
            let inner = model.shape(shape.value!.shape)
            return .object(entries.mapValues { json($0, inner, member: shape.value) })
        case (_, .timestamp(let d)):
            let format = TimestampFormat(member: member, shape: shape, default: .unixTimestamp)
            return format == .unixTimestamp ? .double(d.timeIntervalSince1970) : .string(format.format(d))
        default:
            return Self.plain(value)
        }
    }

    static func plain(_ value: AWSValue) -> JSONTree {
        switch value {
        case .null: .null
        case .bool(let b): .bool(b)
        case .integer(let i): .integer(i)
        case .double(let d): .double(d)
        case .string(let s): .string(s)
        case .blob(let d): .string(d.base64EncodedString())
        case .timestamp(let d): .double(d.timeIntervalSince1970)
        case .list(let items): .array(items.map(plain))
        case .map(let entries): .object(entries.mapValues(plain))
        }
    }
}

/// A request the protocol layer cannot read, in the codes AWS uses for it.
public enum WireError: Error, Sendable {
    case serialization(String)
    case unknownOperation(String)
    case malformed(String)
}
