// LabValue <-> JSON, with stable pretty printing for handouts.
import AWSShapes
import Foundation

extension LabValue {
    /// Parses JSON bytes. Numbers without a fraction or exponent become `.int`.
    public init(json data: Data) throws {
        var parser = JSONParser(bytes: Array(data))
        self = try parser.parseDocument()
    }

    /// Compact JSON on one line.
    public var jsonString: String { render(indent: nil, level: 0) }

    /// Pretty JSON, two spaces per level, keys in their original order.
    public var prettyJSON: String { render(indent: "  ", level: 0) }

    private func render(indent: String?, level: Int) -> String {
        let newline = indent == nil ? "" : "\n"
        let pad = { (n: Int) in String(repeating: indent ?? "", count: n) }
        let separator = indent == nil ? "," : ","
        switch self {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .int(i): return String(i)
        case let .number(d): return Self.format(number: d)
        case let .string(s): return Self.quote(s)
        case let .list(items):
            if items.isEmpty { return "[]" }
            if indent != nil, items.allSatisfy(\.isScalar), items.count <= 16 {
                return "[" + items.map { $0.render(indent: nil, level: 0) }.joined(separator: ", ") + "]"
            }
            let body = items.map { pad(level + 1) + $0.render(indent: indent, level: level + 1) }
            return "[" + newline + body.joined(separator: separator + newline) + newline + pad(level) + "]"
        case let .object(object):
            if object.isEmpty { return "{}" }
            let colon = indent == nil ? ":" : ": "
            let body = object.entries.map {
                pad(level + 1) + Self.quote($0.key) + colon + $0.value.render(indent: indent, level: level + 1)
            }
            return "{" + newline + body.joined(separator: separator + newline) + newline + pad(level) + "}"
        }
    }

    var isScalar: Bool {
        switch self {
        case .list, .object: false
        default: true
        }
    }

    static func format(number d: Double) -> String {
        guard d.isFinite else { return d.isNaN ? "\"NaN\"" : (d > 0 ? "\"Infinity\"" : "\"-Infinity\"") }
        if d.rounded() == d, abs(d) < 1e15 { return String(format: "%.1f", d) }
        return "\(d)"
    }

    static func quote(_ s: String) -> String { JSONText.quote(s) }

    /// How a value reads inside text: whole numbers without ".0", strings bare.
    public var splicedText: String {
        if case let .number(d) = self, d.isFinite, d.rounded() == d, abs(d) < 1e15 { return String(Int(d)) }
        if case let .number(d) = self, !d.isFinite { return "\(d)" }
        return displayString
    }

    /// A short human rendering: strings bare, everything else as compact JSON.
    public var displayString: String {
        switch self {
        case let .string(s): s
        case let .number(d): Self.format(number: d)
        default: jsonString
        }
    }
}
