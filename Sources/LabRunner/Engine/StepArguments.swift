import Serving

// Typed access to a step's own keys, with located errors and "did you mean" for the
// keys nobody asked for.

/// A value type a step argument can have.
public protocol ArgumentValue: Sendable {
    static var typeName: String { get }
    /// The type's name in a Korean handout's messages.
    static var koreanTypeName: String { get }
    static func convert(_ value: LabValue) -> Self?
}

extension ArgumentValue {
    public static var koreanTypeName: String { typeName }
    static var article: String { typeName.first.map { "aeiou".contains($0) } == true ? "an" : "a" }
}

extension String: ArgumentValue {
    public static var typeName: String { "string" }
    public static var koreanTypeName: String { "문자열" }
    public static func convert(_ value: LabValue) -> String? {
        switch value {
        case let .string(s): s
        case .int, .number, .bool: value.displayString
        default: nil
        }
    }
}

extension Int: ArgumentValue {
    public static var typeName: String { "whole number" }
    public static var koreanTypeName: String { "정수" }
    public static func convert(_ value: LabValue) -> Int? {
        if let s = value.string { return Int(s) }
        return value.int
    }
}

extension Double: ArgumentValue {
    public static var typeName: String { "number" }
    public static var koreanTypeName: String { "숫자" }
    public static func convert(_ value: LabValue) -> Double? {
        if let s = value.string { return Double(s) }
        return value.double
    }
}

extension Bool: ArgumentValue {
    public static var typeName: String { "bool" }
    public static var koreanTypeName: String { "참/거짓" }
    public static func convert(_ value: LabValue) -> Bool? {
        switch value.string {
        case "true": true
        case "false": false
        default: value.bool
        }
    }
}

extension LabValue: ArgumentValue {
    public static var typeName: String { "value" }
    public static var koreanTypeName: String { "값" }
    public static func convert(_ value: LabValue) -> LabValue? { value }
}

extension Array: ArgumentValue where Element: ArgumentValue {
    public static var typeName: String { "list of \(Element.typeName)s" }
    public static var koreanTypeName: String { "\(Element.koreanTypeName) 리스트" }
    public static func convert(_ value: LabValue) -> [Element]? {
        guard case let .list(items) = value else { return nil }
        var out: [Element] = []
        for item in items {
            guard let converted = Element.convert(item) else { return nil }
            out.append(converted)
        }
        return out
    }
}

/// An argument as written: a literal checked at load time, or a template resolved when
/// the step runs.
public struct Arg<T: ArgumentValue>: Sendable {
    public let node: BookNode
    public let name: String

    public var location: SourceLocation { node.location }

    /// The literal value, when the argument holds no reference.
    public var literal: T? {
        guard !TemplateScanner.containsReference(node) else { return nil }
        return T.convert(node.value)
    }
}

/// The keys of one step, minus the common ones (`kind`, `id`, `text`, `expect`, ...).
public struct StepArguments {
    public let kind: String
    public let declaration: StepDeclaration
    public let location: SourceLocation
    private var pairs: [(key: String, keyLocation: SourceLocation, value: BookNode)]
    private var consumed: Set<String> = []
    /// Lets `repeat` parse its nested steps with the same catalog and rules.
    let nestedParser: (BookNode) throws -> [StepSpec]

    init(kind: String, declaration: StepDeclaration, location: SourceLocation,
         pairs: [(key: String, keyLocation: SourceLocation, value: BookNode)],
         nestedParser: @escaping (BookNode) throws -> [StepSpec]) {
        self.kind = kind
        self.declaration = declaration
        self.location = location
        self.pairs = pairs
        self.nestedParser = nestedParser
    }

    public mutating func required<T: ArgumentValue>(_ key: String, _: T.Type = T.self) throws -> Arg<T> {
        guard let arg: Arg<T> = try optional(key) else { throw missing(key) }
        return arg
    }

    public mutating func optional<T: ArgumentValue>(_ key: String, _: T.Type = T.self) throws -> Arg<T>? {
        try declared(key, as: T.typeName)
        consumed.insert(key)
        guard let node = pairs.first(where: { $0.key == key })?.value else { return nil }
        if !TemplateScanner.containsReference(node), T.convert(node.value) == nil {
            throw LabError(node.location, "'\(key)' must be \(T.article) \(T.typeName), found \(node.typeName) \(node.value.jsonPrefix(60))")
        }
        try TemplateScanner.check(node)
        return Arg(node: node, name: key)
    }

    /// A raw node, for kinds that read structure themselves.
    public mutating func node(_ key: String) throws -> BookNode? {
        try declared(key, as: LabValue.typeName)
        consumed.insert(key)
        return pairs.first { $0.key == key }?.value
    }

    /// Nested steps under `key`, parsed with the book's catalog.
    public mutating func steps(_ key: String) throws -> [StepSpec] {
        guard let node = try node(key) else { throw missing(key) }
        return try nestedParser(node)
    }

    /// Before the kind reads anything: the declared required keys are there, and exactly
    /// one of each exclusive group.
    func checkDeclared() throws {
        let given = Set(pairs.map(\.key))
        for key in declaration.keys where key.isRequired && !given.contains(key.name) {
            if let typo = pairs.first(where: { declaration.key(named: $0.key) == nil && nearestName(to: $0.key, in: [key.name]) == key.name }) {
                throw LabError(typo.keyLocation, "unknown key '\(typo.key)' (did you mean '\(key.name)'?)")
            }
            throw missing(key.name)
        }
        for group in declaration.exactlyOne where group.filter(given.contains).count != 1 {
            let found = group.filter(given.contains)
            let second = found.count > 1 ? pairs.first { $0.key == found[1] }?.keyLocation : nil
            throw LabError(second ?? location,
                           "step kind '\(kind)' takes exactly one of \(group.joined(separator: " or "))"
                           + (found.isEmpty ? "" : "; found \(found.joined(separator: " and "))"))
        }
    }

    private func missing(_ key: String) -> LabError {
        let declared = declaration.key(named: key)
        let what = declared.map { " (\($0.type.displayName)" + ($0.summary.isEmpty ? ")" : ": \($0.summary))") } ?? ""
        return LabError(location, "step kind '\(kind)' needs '\(key)'\(what)")
    }

    /// A kind reading a key its declaration does not list (or as another type) is a bug in
    /// the kind; the tests parse every kind's example, so this names it instead of trapping.
    private func declared(_ key: String, as typeName: String) throws {
        guard let declared = declaration.key(named: key) else {
            throw LabError(location, "internal error: step kind '\(kind)' reads '\(key)', which its declaration does not list")
        }
        guard declared.type.admits(typeName) else {
            throw LabError(location, "internal error: step kind '\(kind)' reads '\(key)' as \(typeName), but declares \(declared.type.displayName)")
        }
    }

    /// After a failed decode: fails on an unknown key that looks like a misspelling of a declared one.
    func reportTypos() throws {
        let known = declaration.keys.map(\.name)
        for pair in pairs where !known.contains(pair.key) {
            if let near = nearestName(to: pair.key, in: known), near != pair.key {
                throw LabError(pair.keyLocation, "unknown key '\(pair.key)' (did you mean '\(near)'?)")
            }
        }
    }

    /// Fails on the first key the declaration does not list, suggesting the nearest that it does.
    func finish() throws {
        let known = Set(declaration.keys.map(\.name))
        for pair in pairs where !known.contains(pair.key) {
            throw LabError.unknown("key", pair.key, at: pair.keyLocation,
                                   known: known.union(StepParser.commonKeys).sorted())
        }
    }
}

enum TemplateScanner {
    static func containsReference(_ node: BookNode) -> Bool {
        switch node.content {
        case let .scalar(v): return v.string?.contains("${") ?? false
        case let .list(items): return items.contains(where: containsReference)
        case let .mapping(pairs): return pairs.contains { containsReference($0.value) }
        }
    }

    /// All references in a node, each parsed (a malformed one is a located error), with
    /// where each is written: its `${` when the scalar's source line shows it, else the scalar.
    static func references(in node: BookNode) throws -> [(reference: Reference, location: SourceLocation)] {
        switch node.content {
        case let .scalar(v):
            guard let s = v.string, s.contains("${") else { return [] }
            let references: [Reference]
            do { references = try TemplateString(parsing: s).references } catch let error as PathError {
                throw LabError(node.location, "bad reference: \(error)")
            }
            var searchFrom = max(node.location.column - 1, 0)
            return references.map { reference in
                guard let line = node.sourceLine, let column = column(of: reference, in: line, from: searchFrom) else {
                    return (reference, node.location)
                }
                searchFrom = column
                return (reference, node.location.at(line: node.location.line, column: column + 1))
            }
        case let .list(items): return try items.flatMap(references(in:))
        case let .mapping(pairs): return try pairs.flatMap { try references(in: $0.value) }
        }
    }

    /// The 0-based column of `${<reference>` in `line` at or after `start`, counted in
    /// Unicode scalars as libyaml counts columns; nil when the line does not show it (the
    /// scalar continues on later lines, or escapes changed its text).
    private static func column(of reference: Reference, in line: Substring, from start: Int) -> Int? {
        let scalars = Array(line.unicodeScalars), target = Array(("${" + reference.text).unicodeScalars)
        guard start >= 0, target.count <= scalars.count, start <= scalars.count - target.count else { return nil }
        for column in start...(scalars.count - target.count) where scalars[column..<(column + target.count)].elementsEqual(target) {
            return column
        }
        return nil
    }

    static func check(_ node: BookNode) throws { _ = try references(in: node) }
}
