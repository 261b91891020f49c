// Python tokens for PythonReader: names, numbers, string and f-string literals (single,
// double, triple quoted; r/b/f prefixes), punctuation; comments dropped. Unterminated
// strings and characters it does not know make the statement unreadable (nil).
import Foundation

struct PythonToken {
    enum Kind: Equatable {
        case name(String)
        case integer(Int)
        case float(Double)
        case string(String)
        case formatted([PythonExpression.FormattedPart])
        case punct(String)
    }

    var kind: Kind
    var range: Range<String.Index>
}

enum PythonTokenizer {
    static func tokens(_ text: String) -> [PythonToken]? {
        var tokens: [PythonToken] = []
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == "#" {
                while i < text.endIndex, text[i] != "\n" { i = text.index(after: i) }
            } else if c.isWhitespace || c == "\\" {
                i = text.index(after: i)
            } else if let (token, end) = stringLiteral(text, at: i) {
                tokens.append(PythonToken(kind: token, range: i..<end))
                i = end
            } else if c.isLetter || c == "_" {
                var end = i
                while end < text.endIndex, text[end].isLetter || text[end].isNumber || text[end] == "_" { end = text.index(after: end) }
                tokens.append(PythonToken(kind: .name(String(text[i..<end])), range: i..<end))
                i = end
            } else if c.isNumber {
                var end = i
                while end < text.endIndex, text[end].isNumber || "._eE".contains(text[end]) { end = text.index(after: end) }
                let literal = text[i..<end].replacingOccurrences(of: "_", with: "")
                if let n = Int(literal) { tokens.append(PythonToken(kind: .integer(n), range: i..<end)) }
                else if let d = Double(literal) { tokens.append(PythonToken(kind: .float(d), range: i..<end)) }
                else { return nil }
                i = end
            } else {
                let two = text[i...].prefix(2)
                let op = ["**", "==", "!=", "<=", ">=", "->", "//"].contains(String(two)) ? String(two) : String(c)
                guard "()[]{}.,:=+-*/%<>!@|&^~;".contains(op.first ?? " ") else { return nil }
                let end = text.index(i, offsetBy: op.count)
                tokens.append(PythonToken(kind: .punct(op), range: i..<end))
                i = end
            }
        }
        return tokens
    }

    /// A string literal starting at `start` (with its prefix), and where it ends.
    private static func stringLiteral(_ text: String, at start: String.Index) -> (PythonToken.Kind, String.Index)? {
        var i = start
        var prefix = ""
        while i < text.endIndex, "rRbBfFuU".contains(text[i]), prefix.count < 2 {
            prefix.append(text[i].lowercased())
            i = text.index(after: i)
        }
        guard i < text.endIndex, text[i] == "\"" || text[i] == "'" else { return nil }
        let quote = text[i]
        let triple = text[i...].hasPrefix(String(repeating: quote, count: 3))
        let delimiter = String(repeating: quote, count: triple ? 3 : 1)
        i = text.index(i, offsetBy: delimiter.count)
        var body = ""
        while i < text.endIndex {
            if text[i...].hasPrefix(delimiter) {
                let end = text.index(i, offsetBy: delimiter.count)
                let raw = prefix.contains("r")
                let value = raw ? body : unescape(body)
                return (prefix.contains("f") ? .formatted(holes(value)) : .string(value), end)
            }
            if text[i] == "\\", text.index(after: i) < text.endIndex {
                body.append(text[i])
                i = text.index(after: i)
            } else if text[i] == "\n", !triple {
                return nil
            }
            body.append(text[i])
            i = text.index(after: i)
        }
        return nil
    }

    private static func unescape(_ body: String) -> String {
        var out = ""
        var escaping = false
        for c in body {
            if escaping {
                switch c {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "\\", "'", "\"": out.append(c)
                default: out.append("\\"); out.append(c)
                }
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// `a{b}c` → text a, hole b, text c; `{{` and `}}` are braces.
    private static func holes(_ value: String) -> [PythonExpression.FormattedPart] {
        var parts: [PythonExpression.FormattedPart] = []
        var text = "", hole = "", depth = 0
        var characters = Array(value)[...]
        while let c = characters.popFirst() {
            if depth == 0, c == "{", characters.first == "{" { characters.removeFirst(); text.append("{") }
            else if depth == 0, c == "}", characters.first == "}" { characters.removeFirst(); text.append("}") }
            else if c == "{" {
                if depth == 0 { if !text.isEmpty { parts.append(.text(text)); text = "" } } else { hole.append(c) }
                depth += 1
            } else if c == "}", depth > 0 {
                depth -= 1
                if depth == 0 { parts.append(.hole(hole)); hole = "" } else { hole.append(c) }
            } else if depth > 0 { hole.append(c) } else { text.append(c) }
        }
        if !text.isEmpty { parts.append(.text(text)) }
        return parts
    }
}
