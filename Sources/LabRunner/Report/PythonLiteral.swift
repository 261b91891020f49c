// Boto3 parameter values as Python source: dicts in the model's member order, strings in
// double quotes, bytes as b"…", datetimes as datetime.datetime(…, tzinfo=utc). A value too
// long to read becomes `...` and a note (the caller puts it in a comment).
import AWSShapes
import Foundation

struct PythonLiteral {
    struct Rendered {
        var text: String
        /// What `...` stands for, when the value was too long to show.
        var note: String?
    }

    let model: ServiceModel?

    /// Entries in the order the shape declares its members, then any others by name.
    static func orderedEntries(_ entries: [String: AWSValue], shape: AWSShapes.Shape?) -> [(key: String, value: AWSValue, shape: AWSShapes.Shape?)] {
        let declared = shape?.members.map(\.name) ?? []
        let keys = declared.filter { entries[$0] != nil } + entries.keys.filter { !declared.contains($0) }.sorted()
        return keys.compactMap { key in entries[key].map { (key, $0, nil) } }
    }

    func render(_ value: AWSValue, shape: AWSShapes.Shape?, indent: Int) -> Rendered {
        switch value {
        case .null: return Rendered(text: "None")
        case .bool(let b): return Rendered(text: b ? "True" : "False")
        case .integer(let i): return Rendered(text: String(i))
        case .double(let d): return Rendered(text: d.isFinite ? "\(d)" : "float(\"\(d)\")")
        case .string(let s):
            if s.count > Boto3Snippet.longestLiteral { return Rendered(text: "...", note: "\(s.count.formatted()) characters") }
            return Rendered(text: Self.string(s))
        case .blob(let data):
            if data.count > Boto3Snippet.longestLiteral { return Rendered(text: "...", note: "\(data.count.formatted()) bytes") }
            // Text outside ASCII (Korean reviews) reads as itself, not as \x escapes.
            if let text = String(data: data, encoding: .utf8), !data.allSatisfy({ $0 < 0x80 }) {
                return Rendered(text: Self.string(text) + ".encode()")
            }
            return Rendered(text: Self.bytes(data))
        case .timestamp(let date): return Rendered(text: Self.datetime(date))
        case .list(let items):
            let element = shape?.member.flatMap { model?.shapes[$0.shape] }
            return collection(items.map { render($0, shape: element, indent: indent + 1) }, open: "[", close: "]", indent: indent)
        case .map(let entries):
            let isMap = shape?.kind == .map
            let parts = Self.orderedEntries(entries, shape: isMap ? nil : shape).map { entry in
                let memberShape = isMap ? shape?.value.flatMap { model?.shapes[$0.shape] }
                                        : shape?.member(named: entry.key).flatMap { model?.shapes[$0.shape] }
                let inner = render(entry.value, shape: memberShape, indent: indent + 1)
                return Rendered(text: "\(Self.string(entry.key)): \(inner.text)", note: inner.note)
            }
            return collection(parts, open: "{", close: "}", indent: indent)
        }
    }

    /// On one line when it fits, else one element per line.
    private func collection(_ parts: [Rendered], open: String, close: String, indent: Int) -> Rendered {
        let notes = parts.compactMap(\.note)
        let note = notes.isEmpty ? nil : notes.joined(separator: "; ")
        let inline = open + parts.map(\.text).joined(separator: ", ") + close
        if inline.count + indent * 4 <= Boto3Snippet.width, !inline.contains("\n") { return Rendered(text: inline, note: note) }
        let pad = String(repeating: "    ", count: indent + 1)
        let body = parts.map { pad + $0.text + "," }.joined(separator: "\n")
        return Rendered(text: open + "\n" + body + "\n" + String(repeating: "    ", count: indent) + close, note: note)
    }

    static func string(_ s: String) -> String { JSONText.quote(s) }

    static func bytes(_ data: Data) -> String {
        var out = "b\""
        for byte in data {
            switch byte {
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            case UInt8(ascii: "\n"): out += "\\n"
            case 0x20..<0x7f: out.append(Character(UnicodeScalar(byte)))
            default: out += String(format: "\\x%02x", byte)
            }
        }
        return out + "\""
    }

    static func datetime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let fields = [c.year, c.month, c.day, c.hour, c.minute, c.second].map { String($0 ?? 0) }.joined(separator: ", ")
        return "datetime.datetime(\(fields), tzinfo=datetime.timezone.utc)"
    }
}
