// A YAML document as a tree of located nodes, read through Yams (libyaml). Every
// error about a lab book points at one of these locations.
import Formats
import Foundation
import Yams

public struct BookNode: Sendable {
    public enum Content: Sendable {
        case scalar(LabValue)
        case list([BookNode])
        case mapping([(key: String, keyLocation: SourceLocation, value: BookNode)])
    }

    public var location: SourceLocation
    public var content: Content
    /// For a scalar: the source line it starts on, to locate a `${...}` inside it.
    var sourceLine: Substring?

    public var typeName: String {
        switch content {
        case let .scalar(v): v.typeName
        case .list: "list"
        case .mapping: "mapping"
        }
    }

    /// The plain value, locations dropped.
    public var value: LabValue {
        switch content {
        case let .scalar(v): return v
        case let .list(items): return .list(items.map(\.value))
        case let .mapping(pairs):
            var object = LabObject()
            for pair in pairs {
                object.append(.init(key: pair.key, value: pair.value.value,
                                    keyLocation: pair.keyLocation, valueLocation: pair.value.location))
            }
            return .object(object)
        }
    }

    public var scalar: LabValue? { if case let .scalar(v) = content { v } else { nil } }
    public var items: [BookNode]? { if case let .list(l) = content { l } else { nil } }
    public var pairs: [(key: String, keyLocation: SourceLocation, value: BookNode)]? {
        if case let .mapping(m) = content { m } else { nil }
    }

    public subscript(key: String) -> BookNode? { pairs?.first { $0.key == key }?.value }
}

enum YAMLReader {
    /// Lab books are a few levels deep; far deeper is a mistake or an attack on the parser.
    static let maxDepth = 64

    /// Parses one YAML document. Syntax errors come back located, never as a crash.
    static func read(_ text: String, file: String) throws -> BookNode {
        if let anchor = YAMLAliasScan.firstAnchor(in: text) {
            throw LabError(SourceLocation(file: file, line: anchor.line, column: anchor.column),
                           "YAML anchors and aliases (&\(anchor.name), *\(anchor.name)) are not supported in lab books; repeat the value instead")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
            throw duplicateKeyError(duplicates.sorted().first ?? "?", mapping: context.mark, text: text, file: file)
        } catch let error as YamlError {
            throw locate(error, file: file, text: text)
        }
        guard let node else {
            throw LabError(.synthetic(file).at(line: 1, column: 1), "the file is empty; a lab book is a YAML mapping")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return try convert(node, file: file, lines: lines, depth: 0)
    }

    /// Yams reports where the mapping starts; point at the second use of the key instead.
    private static func duplicateKeyError(_ key: String, mapping: Mark, text: String, file: String) -> LabError {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var seen = 0
        for (number, line) in lines.enumerated() where number + 1 >= mapping.line {
            let trimmed = line.drop { $0 == " " || $0 == "-" }
            let column = line.count - trimmed.count + 1
            guard column >= mapping.column, trimmed.hasPrefix(key + ":") else { continue }
            seen += 1
            if seen == 2 { return LabError(SourceLocation(file: file, line: number + 1, column: column), "duplicate key '\(key)'") }
        }
        return LabError(SourceLocation(file: file, line: mapping.line, column: mapping.column), "duplicate key '\(key)' in this mapping")
    }

    private static func locate(_ error: YamlError, file: String, text: String) -> LabError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let location = SourceLocation(file: file, line: mark.line, column: mark.column)
            // libyaml's own wording names its C function and leaves a stray parenthesis.
            if problem.hasPrefix("Maximum nesting level") { return LabError(location, "nesting deeper than \(maxDepth) levels") }
            let where_ = context.map { " (\($0.text))" } ?? ""
            return LabError(location, "YAML syntax error: \(problem)\(where_)")
        case let .reader(problem, offset, value, _):
            // Yams gives the offset in Characters.
            let position = TextPosition(ofByte: text.prefix(offset ?? 0).utf8.count, in: text.utf8)
            let byte = value >= 0 ? String(format: " (0x%02X)", value) : ""
            return LabError(SourceLocation(file: file, line: position.line, column: position.column),
                            "cannot read YAML: \(problem)\(byte)")
        default:
            return LabError(.synthetic(file), "cannot read YAML: \(error)")
        }
    }

    private static func convert(_ node: Node, file: String, lines: [Substring], depth: Int) throws -> BookNode {
        let location = node.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? .synthetic(file)
        guard depth < maxDepth else { throw LabError(location, "nesting deeper than \(maxDepth) levels") }
        switch node {
        case let .scalar(scalar):
            // A block scalar (| or >) starts on the next line: its mark is the indicator's.
            let inline = scalar.style != .literal && scalar.style != .folded
            let line = node.mark.flatMap { inline && $0.line >= 1 && $0.line <= lines.count ? lines[$0.line - 1] : nil }
            return BookNode(location: location, content: .scalar(scalarValue(node, scalar)), sourceLine: line)
        case let .sequence(sequence):
            return BookNode(location: location, content: .list(try sequence.map { try convert($0, file: file, lines: lines, depth: depth + 1) }))
        case let .mapping(mapping):
            var pairs: [(key: String, keyLocation: SourceLocation, value: BookNode)] = []
            for (keyNode, valueNode) in mapping {
                let keyLocation = keyNode.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? location
                guard case let .scalar(keyScalar) = keyNode else { throw LabError(keyLocation, "mapping keys must be plain strings") }
                let key = keyScalar.string
                if pairs.contains(where: { $0.key == key }) { throw LabError(keyLocation, "duplicate key '\(key)'") }
                pairs.append((key, keyLocation, try convert(valueNode, file: file, lines: lines, depth: depth + 1)))
            }
            return BookNode(location: location, content: .mapping(pairs))
        case .alias:
            throw LabError(location, "YAML aliases are not supported in lab books; repeat the value instead")
        }
    }

    /// YAML 1.2's core schema for plain scalars, not 1.1's: `yes`, `no`, `on`, `off`,
    /// `1_000` and `1:30` stay text. A number written with a leading zero (`007`) stays
    /// text too, since it is nearly always a name. Quoted or block scalars are text.
    static func scalarValue(_ node: Node, _ scalar: Node.Scalar) -> LabValue {
        let text = scalar.string
        guard scalar.style == .plain || scalar.style == .any else { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .number(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .number(-.infinity)
        case ".nan", ".NaN", ".NAN": return .number(.nan)
        default: break
        }
        let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        if text.range(of: "^[-+]?[0-9]+$", options: .regularExpression) != nil {
            if digits.count > 1, digits.hasPrefix("0") { return .string(text) }
            return Int(text).map(LabValue.int) ?? Double(text).map(LabValue.number) ?? .string(text)
        }
        if text.range(of: "^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$", options: .regularExpression) != nil,
           let d = Double(text) {
            return .number(d)
        }
        return .string(text)
    }
}

extension SourceLocation {
    func at(line: Int, column: Int) -> SourceLocation { SourceLocation(file: file, line: line, column: column) }
}
