// The wire format of the labs' Korean NLP handlers: JSON Lines in, and JSON written the
// way Python's `json.dumps` writes it (", " and ": " separators, floats by `repr`,
// non-ASCII escaped), so replies read byte for byte like the original containers'.
import Foundation
import Serving

enum JSONLines {
    static let contentTypes = ["application/jsonlines", "application/x-jsonlines", "application/json"]

    /// Each line of `body` as a JSON object. A single trailing newline is allowed (the
    /// original split on "\n" would fail on it, which is a bug, not a contract).
    static func objects(_ body: Data, contentType: String) throws -> [[String: Any]] {
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        // No content type at all reads as JSON Lines, the default of the labs' input_fn.
        guard type.isEmpty || contentTypes.contains(type) else {
            throw HandlerError.unsupportedContentType(contentType, accepted: contentTypes)
        }
        guard String(data: body, encoding: .utf8) != nil else { throw HandlerError.badInput("request body is not UTF-8") }
        // Split the bytes, as Python's str.split("\n") does: a Swift String holds "\r\n" as one
        // character and would not split it.
        var lines = [UInt8](body).split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        return try lines.enumerated().map { index, bytes in
            let line = String(decoding: bytes.last == 0x0D ? bytes.dropLast() : bytes, as: UTF8.self)
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw HandlerError.badInput("line \(index + 1): empty line; expected a JSON object such as {\"text\": [\"...\"]}")
            }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])) as? [String: Any] else {
                throw HandlerError.badInput("line \(index + 1): not a JSON object: \(line.prefix(80))")
            }
            return object
        }
    }

    /// The `text` field as a list of strings, with the line number in any complaint.
    static func texts(_ object: [String: Any], line: Int) throws -> [String] {
        guard let value = object["text"] else { throw HandlerError.badInput("line \(line): missing \"text\"") }
        guard let list = value as? [Any], let strings = list as? [String], strings.count == list.count else {
            throw HandlerError.badInput("line \(line): \"text\" must be a list of strings, found \(value)")
        }
        return strings
    }
}

/// Python's `json.dumps` for the few shapes the handlers produce.
enum PythonJSON {
    case string(String)
    case number(Double)
    case integer(Int)
    case object([(String, PythonJSON)])

    var encoded: String {
        switch self {
        case let .string(text): return PythonJSON.quote(text)
        case let .integer(value): return String(value)
        case let .number(value):
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
            return "\(value)" // Swift's shortest round-trip form is Python's float repr
        case let .object(pairs):
            return "{" + pairs.map { "\(PythonJSON.quote($0.0)): \($0.1.encoded)" }.joined(separator: ", ") + "}"
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default: out += String(format: "\\u%04x", unit)
            }
        }
        return out + "\""
    }
}

/// The reply's content type: what the caller accepts, as the labs' `output_fn` echoes it.
func replyContentType(_ accept: String) -> String {
    accept.isEmpty || accept == "*/*" ? "application/jsonlines" : accept
}
