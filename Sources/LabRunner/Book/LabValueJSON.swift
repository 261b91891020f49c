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

    /// Pretty JSON for a reader: fractions to four significant digits (0.0006364, not
    /// 0.000636363; 6.694, not 6.6936677300000005). Files beside the handout keep them all.
    public var handoutJSON: String { render(indent: "  ", level: 0, rounded: true) }

    private func render(indent: String?, level: Int, rounded: Bool = false) -> String {
        let newline = indent == nil ? "" : "\n"
        let pad = { (n: Int) in String(repeating: indent ?? "", count: n) }
        let separator = indent == nil ? "," : ","
        switch self {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .int(i): return String(i)
        case let .number(d): return rounded ? Self.format(significant: d) : Self.format(number: d)
        case let .string(s): return Self.quote(s)
        case let .list(items):
            if items.isEmpty { return "[]" }
            if indent != nil, items.allSatisfy(\.isScalar), items.count <= 16 {
                return "[" + items.map { $0.render(indent: nil, level: 0, rounded: rounded) }.joined(separator: ", ") + "]"
            }
            let body = items.map { pad(level + 1) + $0.render(indent: indent, level: level + 1, rounded: rounded) }
            return "[" + newline + body.joined(separator: separator + newline) + newline + pad(level) + "]"
        case let .object(object):
            if object.isEmpty { return "{}" }
            let colon = indent == nil ? ":" : ": "
            let body = object.entries.map {
                pad(level + 1) + Self.quote($0.key) + colon + $0.value.render(indent: indent, level: level + 1, rounded: rounded)
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

    /// Four significant digits, as JSON: plain decimals from 1e-4 up, whole numbers from 1e6
    /// (4807123, not 4.807e+06: a byte count or a timestamp reads best in full), exponents below 1e-4.
    static func format(significant d: Double) -> String {
        let magnitude = abs(d)
        guard d.isFinite, d.rounded() != d else { return format(number: d) }
        // A double with a fraction is below 2^53, so this is at most 16 digits.
        if magnitude >= 1e6 { return String(format: "%.0f", d) }
        guard magnitude >= 1e-4 else { return String(format: "%.3e", d) }
        let decimals = max(1, 3 - Int(log10(magnitude).rounded(.down)))
        var text = String(format: "%.\(decimals)f", d)
        while text.hasSuffix("0"), !text.hasSuffix(".0") { text.removeLast() }
        return text
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
