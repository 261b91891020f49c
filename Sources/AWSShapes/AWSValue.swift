// A boto3-shaped value: what a boto3 call takes as keyword arguments and returns as a
// dict. The one currency between the lab steps, the dispatch, the services and the wire.
import Foundation

public enum AWSValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case blob(Data)
    case timestamp(Date)
    case list([AWSValue])
    /// A structure or a map: botocore's dicts, keyed by member name.
    case map([String: AWSValue])

    public static let empty = AWSValue.map([:])

    public subscript(key: String) -> AWSValue? {
        if case .map(let entries) = self, let value = entries[key], value != .null { return value }
        return nil
    }

    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var list: [AWSValue]? { if case .list(let l) = self { l } else { nil } }
    public var entries: [String: AWSValue]? { if case .map(let m) = self { m } else { nil } }
    public var date: Date? { if case .timestamp(let d) = self { d } else { nil } }

    public var int: Int? {
        switch self {
        case .integer(let i): Int(exactly: i)
        case .double(let d) where d.rounded() == d && abs(d) < 9e15: Int(d)
        default: nil
        }
    }

    public var double: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    public var data: Data? {
        switch self {
        case .blob(let d): d
        case .string(let s): Data(s.utf8)
        default: nil
        }
    }

    /// What botocore's parameter validation calls the Python type, for messages.
    public var typeName: String {
        switch self {
        case .null: "None"
        case .bool: "bool"
        case .integer: "int"
        case .double: "float"
        case .string: "str"
        case .blob: "bytes"
        case .timestamp: "datetime"
        case .list: "list"
        case .map: "dict"
        }
    }
}

extension AWSValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: AWSValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, AWSValue)...) {
        self = .map(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension AWSValue {
    /// A structure from optional members: nil members are left out, as botocore omits them.
    public static func structure(_ members: [(String, AWSValue?)]) -> AWSValue {
        var map: [String: AWSValue] = [:]
        for (name, value) in members { if let value { map[name] = value } }
        return .map(map)
    }

    public static func optional(_ s: String?) -> AWSValue? { s.map(AWSValue.string) }
    public static func int(_ i: Int) -> AWSValue { .integer(Int64(i)) }
}
