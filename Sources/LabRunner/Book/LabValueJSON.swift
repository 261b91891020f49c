// LabValue <-> JSON, with stable pretty printing for handouts.
import AWSShapes
import Foundation

extension LabValue {
    /// Parses JSON bytes. Numbers without a fraction or exponent become `.int`.
    public init(json data: Data) throws {
        self = try data.withUnsafeBytes { raw in
            var parser = JSONParser(bytes: raw)
            return try parser.parseDocument()
        }
    }

    /// Compact JSON on one line.
    public var jsonString: String { rendered(.compact) }

    /// Pretty JSON, two spaces per level, keys in their original order.
    public var prettyJSON: String { rendered(.pretty) }

    /// Pretty JSON for a reader: fractions to four significant digits (0.0006364, not
    /// 0.000636363; 6.694, not 6.6936677300000005). Files beside the handout keep them all.
    public var handoutJSON: String { rendered(.handout) }

    /// At most `limit` characters of the compact JSON, rendering no more than that: for
    /// messages about values that may be tens of megabytes.
    func jsonPrefix(_ limit: Int) -> String {
        var sink = PrefixText(limit: limit)
        try? write(to: &sink, style: .compact)
        return sink.text
    }

    func rendered(_ style: JSONStyle) -> String {
        var sink = TextOutput()
        write(to: &sink, style: style)
        return sink.text
    }

    /// Writes the value as JSON piece by piece, so that a long one can go to a file, a hash
    /// or a bounded prefix without ever being one string. A quoted string is always one piece.
    func write<Output: JSONOutput>(to output: inout Output, style: JSONStyle, level: Int = 0) throws(Output.Failure) {
        switch self {
        case .null: try output.write("null")
        case let .bool(b): try output.write(b ? "true" : "false")
        case let .int(i): try output.write(String(i))
        case let .number(d): try output.write(style.rounded ? Self.format(significant: d) : Self.format(number: d))
        case let .string(s): try output.write(Self.quote(s))
        case let .list(items):
            if items.isEmpty { return try output.write("[]") }
            // A short list of scalars stays on one line in pretty JSON too, as `[1, 2, 3]`.
            guard let indent = style.indent, !(items.count <= 16 && items.allSatisfy(\.isScalar)) else {
                try output.write("[")
                for (i, item) in items.enumerated() {
                    if i > 0 { try output.write(style.indent == nil ? "," : ", ") }
                    try item.write(to: &output, style: style, level: 0)
                }
                return try output.write("]")
            }
            try output.write("[")
            for (i, item) in items.enumerated() {
                try output.write((i > 0 ? ",\n" : "\n") + String(repeating: indent, count: level + 1))
                try item.write(to: &output, style: style, level: level + 1)
            }
            try output.write("\n" + String(repeating: indent, count: level) + "]")
        case let .object(object):
            if object.isEmpty { return try output.write("{}") }
            let pad = style.indent.map { "\n" + String(repeating: $0, count: level + 1) } ?? ""
            try output.write("{")
            for (i, entry) in object.entries.enumerated() {
                try output.write((i > 0 ? "," : "") + pad + Self.quote(entry.key) + (style.indent == nil ? ":" : ": "))
                try entry.value.write(to: &output, style: style, level: level + 1)
            }
            try output.write(style.indent.map { "\n" + String(repeating: $0, count: level) } ?? "")
            try output.write("}")
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

/// How `LabValue.write(to:style:)` lays JSON out.
struct JSONStyle {
    /// nil: one line.
    var indent: String?
    /// Fractions to four significant digits.
    var rounded = false

    static let compact = JSONStyle(indent: nil)
    static let pretty = JSONStyle(indent: "  ")
    static let handout = JSONStyle(indent: "  ", rounded: true)
}

/// Where rendered JSON goes; `write` may throw to stop the rendering early.
protocol JSONOutput {
    /// `Never` for outputs that cannot fail, so that rendering into them needs no `try`.
    associatedtype Failure: Error
    mutating func write(_ piece: String) throws(Failure)
}

/// The whole rendering as one string (for values known to be small).
struct TextOutput: JSONOutput {
    typealias Failure = Never
    var text = ""
    mutating func write(_ piece: String) { text += piece }
}

/// The first `limit` characters; stops the rendering once it has them.
struct PrefixText: JSONOutput {
    struct Full: Error {}
    let limit: Int
    private(set) var text = ""
    private var count = 0

    init(limit: Int) { self.limit = limit }

    mutating func write(_ piece: String) throws(Full) {
        let room = limit - count
        guard room > 0 else { throw Full() }
        let taken = piece.prefix(room)
        text += taken
        count += taken.count
        if taken.endIndex != piece.endIndex { throw Full() }
    }
}
