// How the state journal and the result cache write boto3-shaped values.
import Foundation

/// An `AWSValue` in JSON without losing its type: strings, booleans, integers, lists and
/// null are themselves; floats, bytes and datetimes are {"$float"|"$bytes"|"$time": …};
/// a map is an object, or {"$map": …} when one of its keys starts with "$".
public struct TaggedValue: Codable, Sendable {
    public enum Problem: Error, CustomStringConvertible {
        case invalid(String)
        public var description: String {
            switch self { case .invalid(let what): "found \(what)" }
        }
    }

    public var value: AWSValue

    public init(_ value: AWSValue) { self.value = value }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .integer(let i): try container.encode(i)
        case .string(let s): try container.encode(s)
        case .double(let d): try container.encode(["$float": d.isFinite ? String(d) : "\(d)"])
        case .blob(let data): try container.encode(["$bytes": data.base64EncodedString()])
        case .timestamp(let date): try container.encode(["$time": String(date.timeIntervalSince1970)])
        case .list(let items): try container.encode(items.map(TaggedValue.init))
        case .map(let entries):
            let object = entries.mapValues(TaggedValue.init)
            if entries.keys.contains(where: { $0.hasPrefix("$") }) { try container.encode(["$map": object]) }
            else { try container.encode(object) }
        }
    }

    public init(from decoder: Decoder) throws {
        value = try Self.value(JSONTree(from: decoder))
    }

    private static func value(_ raw: JSONTree) throws -> AWSValue {
        switch raw {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .integer(let i): return .integer(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let items): return .list(try items.map(value))
        case .object(let object):
            guard object.count == 1, let (tag, inner) = object.first, tag.hasPrefix("$") else {
                return .map(try object.mapValues(value))
            }
            return try untag(tag, inner)
        }
    }

    private static func untag(_ tag: String, _ inner: JSONTree) throws -> AWSValue {
        switch (tag, inner) {
        case ("$map", .object(let entries)): return .map(try entries.mapValues(value))
        case ("$float", .string(let text)):
            guard let d = Double(text) else { throw Problem.invalid("a $float that is not a number: \(text)") }
            return .double(d)
        case ("$bytes", .string(let text)):
            guard let data = Data(base64Encoded: text) else { throw Problem.invalid("$bytes that are not base64") }
            return .blob(data)
        case ("$time", .string(let text)):
            guard let seconds = Double(text), seconds.isFinite else { throw Problem.invalid("a $time that is not a time") }
            return .timestamp(Date(timeIntervalSince1970: seconds))
        default: throw Problem.invalid("an unknown tag \(tag)")
        }
    }
}
