import Serving

// Paths into a value: `items[0].score`, `items[*].elapsed`, `$.status` (`$` is the root).
// Used by `${steps.<id>.<path>}` references and by `expect` clauses.

public struct ValuePath: Sendable, Equatable, CustomStringConvertible {
    public enum Component: Sendable, Equatable {
        case key(String)
        case index(Int)
        case all
    }

    public var components: [Component]
    public let text: String

    public var description: String { text }

    /// Parses `a.b[0].c`, `a[*].b`, `$`, `$.a`, `a["key with dots"]`.
    public init(parsing text: String) throws {
        self.text = text
        var components: [Component] = []
        var chars = Array(text)
        if chars.first == "$" { chars.removeFirst() }
        var i = 0
        var key = ""
        func flushKey() { if !key.isEmpty { components.append(.key(key)); key = "" } }
        while i < chars.count {
            let c = chars[i]
            if c == "." {
                flushKey()
                guard i + 1 < chars.count, chars[i + 1] != "." else { throw PathError(text, "empty key after '.'", ko: "'.' 뒤에 키가 없습니다") }
            } else if c == "[" {
                flushKey()
                guard let close = chars[i...].firstIndex(of: "]") else { throw PathError(text, "missing ']'", ko: "']'로 닫히지 않았습니다") }
                let inside = String(chars[(i + 1)..<close]).trimmingCharacters(in: .whitespaces)
                if inside == "*" {
                    components.append(.all)
                } else if let index = Int(inside) {
                    components.append(.index(index))
                } else if inside.count >= 2, inside.first == "\"" || inside.first == "'", inside.last == inside.first {
                    components.append(.key(String(inside.dropFirst().dropLast())))
                } else {
                    throw PathError(text, "'[\(inside)]' is neither an index, '*' nor a quoted key",
                                    ko: "'[\(inside)]': 인덱스도, '*'도, 따옴표로 감싼 키도 아닙니다")
                }
                i = close
            } else if c.isWhitespace {
                throw PathError(text, "unexpected space", ko: "공백이 들어 있습니다")
            } else {
                key.append(c)
            }
            i += 1
        }
        flushKey()
        self.components = components
    }

    init(components: [Component], text: String) {
        self.components = components
        self.text = text
    }

    /// The value at this path, or an error naming the first component that did not resolve.
    public func lookup(in root: LabValue) throws -> LabValue {
        try Self.lookup(components[...], in: root, walked: "$")
    }

    private static func lookup(_ rest: ArraySlice<Component>, in value: LabValue, walked: String) throws -> LabValue {
        guard let first = rest.first else { return value }
        let next = rest.dropFirst()
        switch first {
        case let .key(key):
            guard case let .object(object) = value else {
                throw PathError(walked, "is a \(value.typeName), not a mapping with key '\(key)'",
                                ko: "\(value.koreanTypeName)입니다. '\(key)' 키가 있는 매핑이 아닙니다")
            }
            guard let child = object[key] else {
                let hint = nearestKey(key, object.keys)
                throw PathError(walked, "has no key '\(key)'\(hint.en)", ko: "'\(key)' 키가 없습니다\(hint.ko)")
            }
            return try lookup(next, in: child, walked: walked + "." + key)
        case let .index(index):
            guard case let .list(items) = value else {
                throw PathError(walked, "is a \(value.typeName), not a list", ko: "\(value.koreanTypeName)입니다. 리스트가 아닙니다")
            }
            let resolved = index < 0 ? items.count + index : index
            guard items.indices.contains(resolved) else {
                throw PathError(walked, "has \(items.count) items; index \(index) is out of range",
                                ko: "항목이 \(items.count)개뿐이라 인덱스 \(index)에 해당하는 항목이 없습니다")
            }
            return try lookup(next, in: items[resolved], walked: walked + "[\(index)]")
        case .all:
            guard case let .list(items) = value else {
                throw PathError(walked, "is a \(value.typeName), not a list", ko: "\(value.koreanTypeName)입니다. 리스트가 아닙니다")
            }
            return .list(try items.enumerated().map { try lookup(next, in: $1, walked: walked + "[\($0)]") })
        }
    }

    private static func nearestKey(_ key: String, _ keys: [String]) -> (en: String, ko: String) {
        if let near = nearestName(to: key, in: keys) { return (" (did you mean '\(near)'?)", " (혹시 '\(near)'?)") }
        let list = keys.prefix(12).joined(separator: ", ")
        return keys.isEmpty ? ("", "") : ("; it has: \(list)", "; 있는 키: \(list)")
    }
}

public struct PathError: Error, Sendable, CustomStringConvertible {
    public var path: String
    /// What is wrong with `path`, in English, to follow it: "$.items has no key 'x'".
    public var message: String
    /// The same as a Korean sentence about the path, for a Korean handout: "'x' 키가 없습니다".
    public var ko: String?
    init(_ path: String, _ message: String, ko: String? = nil) { self.path = path; self.message = message; self.ko = ko }
    public var description: String { "\(path) \(message)" }

    /// The Korean message, or the English one when there is none.
    public var koMessage: String { ko ?? message }
}
