// The value tree every lab book, parameter and step output is made of: JSON's types,
// plus the location each node was read from so that errors can point at it.
import Foundation

public indirect enum LabValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case list([LabValue])
    case object(LabObject)

    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .int: "int"
        case .number: "number"
        case .string: "string"
        case .list: "list"
        case .object: "mapping"
        }
    }

    /// `typeName` in a Korean handout's messages.
    public var koreanTypeName: String {
        switch self {
        case .null: "null"
        case .bool: "참/거짓"
        case .int: "정수"
        case .number: "숫자"
        case .string: "문자열"
        case .list: "리스트"
        case .object: "매핑"
        }
    }

    public var string: String? { if case let .string(s) = self { s } else { nil } }
    public var list: [LabValue]? { if case let .list(l) = self { l } else { nil } }
    public var object: LabObject? { if case let .object(o) = self { o } else { nil } }
    public var bool: Bool? { if case let .bool(b) = self { b } else { nil } }
    public var int: Int? {
        switch self {
        case let .int(i): i
        case let .number(d) where d.rounded() == d && abs(d) < 9e15: Int(d)
        default: nil
        }
    }
    public var double: Double? {
        switch self {
        case let .int(i): Double(i)
        case let .number(d): d
        default: nil
        }
    }

    public subscript(key: String) -> LabValue? { object?[key] }
}

/// An ordered mapping that remembers where each key was written.
public struct LabObject: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: LabValue
        public var keyLocation: SourceLocation?
        public var valueLocation: SourceLocation?
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    public init(_ pairs: [(String, LabValue)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public var keys: [String] { entries.map(\.key) }
    public var isEmpty: Bool { entries.isEmpty }

    public subscript(key: String) -> LabValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append(Entry(key: key, value: newValue))
            }
        }
    }

    public func entry(_ key: String) -> Entry? { entries.first { $0.key == key } }

    /// Takes `other`'s value for each key whose value equals it, so that the two share storage.
    mutating func shareEqualValues(with other: LabObject) {
        for index in entries.indices {
            guard !entries[index].value.isScalar, let earlier = other[entries[index].key], earlier == entries[index].value else { continue }
            entries[index].value = earlier
        }
    }

    mutating func append(_ entry: Entry) { entries.append(entry) }

    /// Values are equal when their keys and values are; where they were written does not matter.
    public static func == (a: LabObject, b: LabObject) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

extension LabValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: LabValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, LabValue)...) { self = .object(LabObject(elements)) }
}
