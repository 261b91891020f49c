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
                guard i + 1 < chars.count, chars[i + 1] != "." else { throw PathError(text, "empty key after '.'") }
            } else if c == "[" {
                flushKey()
                guard let close = chars[i...].firstIndex(of: "]") else { throw PathError(text, "missing ']'") }
                let inside = String(chars[(i + 1)..<close]).trimmingCharacters(in: .whitespaces)
                if inside == "*" {
                    components.append(.all)
                } else if let index = Int(inside) {
                    components.append(.index(index))
                } else if inside.count >= 2, inside.first == "\"" || inside.first == "'", inside.last == inside.first {
                    components.append(.key(String(inside.dropFirst().dropLast())))
                } else {
                    throw PathError(text, "'[\(inside)]' is neither an index, '*' nor a quoted key")
                }
                i = close
            } else if c.isWhitespace {
                throw PathError(text, "unexpected space")
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
                throw PathError(walked, "is a \(value.typeName), not a mapping with key '\(key)'")
            }
            guard let child = object[key] else {
                let hint = nearestKey(key, object.keys)
                throw PathError(walked, "has no key '\(key)'\(hint)")
            }
            return try lookup(next, in: child, walked: walked + "." + key)
        case let .index(index):
            guard case let .list(items) = value else { throw PathError(walked, "is a \(value.typeName), not a list") }
            let resolved = index < 0 ? items.count + index : index
            guard items.indices.contains(resolved) else {
                throw PathError(walked, "has \(items.count) items; index \(index) is out of range")
            }
            return try lookup(next, in: items[resolved], walked: walked + "[\(index)]")
        case .all:
            guard case let .list(items) = value else { throw PathError(walked, "is a \(value.typeName), not a list") }
            return .list(try items.enumerated().map { try lookup(next, in: $1, walked: walked + "[\($0)]") })
        }
    }

    private static func nearestKey(_ key: String, _ keys: [String]) -> String {
        if let near = nearestName(to: key, in: keys) { return " (did you mean '\(near)'?)" }
        return keys.isEmpty ? "" : "; it has: \(keys.prefix(12).joined(separator: ", "))"
    }
}

public struct PathError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    init(_ path: String, _ message: String) { self.path = path; self.message = message }
    public var description: String { "\(path) \(message)" }
}
