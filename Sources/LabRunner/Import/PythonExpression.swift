// Just enough Python to read a notebook's AWS calls: literals (strings, f-strings, numbers,
// True/False/None, lists, tuples, dicts), names, attribute access, subscripts and calls with
// keyword arguments. Anything else is kept as its source text, which the importer turns
// into a TODO parameter rather than guessing at it.
import Foundation

indirect enum PythonExpression: Equatable {
    case string(String)
    /// An f-string: literal text and `{expression}` holes, in order.
    case formatted([FormattedPart])
    case integer(Int)
    case float(Double)
    case bool(Bool)
    case null
    case list([PythonExpression])
    case dict([(PythonExpression, PythonExpression)])
    case name(String)
    case attribute(PythonExpression, String)
    case call(PythonExpression, arguments: [PythonExpression], keywords: [(String, PythonExpression)])
    case item(PythonExpression, PythonExpression)
    /// Source text the reader does not model (arithmetic, comprehensions, lambdas…).
    case other(String)

    enum FormattedPart: Equatable { case text(String), hole(String) }

    static func == (a: PythonExpression, b: PythonExpression) -> Bool { a.source == b.source }

    /// The dotted path of a name or attribute chain: `boto3.client` → ["boto3", "client"].
    var dottedPath: [String]? {
        switch self {
        case .name(let n): [n]
        case let .attribute(base, member): base.dottedPath.map { $0 + [member] }
        default: nil
        }
    }

    /// Python-ish text, for TODO notes and equality.
    var source: String {
        switch self {
        case .string(let s): "\"\(s)\""
        case .formatted(let parts): "f\"" + parts.map { if case .text(let t) = $0 { t } else if case .hole(let h) = $0 { "{\(h)}" } else { "" } }.joined() + "\""
        case .integer(let i): String(i)
        case .float(let d): String(d)
        case .bool(let b): b ? "True" : "False"
        case .null: "None"
        case .list(let items): "[" + items.map(\.source).joined(separator: ", ") + "]"
        case .dict(let pairs): "{" + pairs.map { "\($0.0.source): \($0.1.source)" }.joined(separator: ", ") + "}"
        case .name(let n): n
        case let .attribute(base, member): "\(base.source).\(member)"
        case let .call(callee, arguments, keywords):
            "\(callee.source)(" + (arguments.map(\.source) + keywords.map { "\($0.0)=\($0.1.source)" }).joined(separator: ", ") + ")"
        case let .item(base, key): "\(base.source)[\(key.source)]"
        case .other(let text): text
        }
    }
}

/// One statement: `target = value`, or a bare expression.
struct PythonStatement {
    var target: String?
    var value: PythonExpression
}

struct PythonReader {
    private var tokens: [PythonToken]
    private var index = 0
    /// Nesting so far: deeper than `maxDepth` is not code worth reading (and would exhaust the stack).
    private var depth = 0
    static let maxDepth = 64
    private let text: String

    /// Reads `text` as one statement; nil when it is not one this reader models.
    static func statement(_ text: String) -> PythonStatement? {
        guard let tokens = PythonTokenizer.tokens(text), !tokens.isEmpty else { return nil }
        var reader = PythonReader(tokens: tokens, text: text)
        var target: String?
        if tokens.count > 2, case .name(let n) = tokens[0].kind, tokens[1].kind == .punct("=") {
            target = n
            reader.index = 2
        }
        guard let value = reader.expression(), reader.index == tokens.count else { return nil }
        return PythonStatement(target: target, value: value)
    }

    private init(tokens: [PythonToken], text: String) {
        self.tokens = tokens
        self.text = text
    }

    private var current: PythonToken.Kind? { index < tokens.count ? tokens[index].kind : nil }

    private mutating func take(_ punct: String) -> Bool {
        guard current == .punct(punct) else { return false }
        index += 1
        return true
    }

    private mutating func expression() -> PythonExpression? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { return nil }
        let start = index
        guard var value = atom() else { return nil }
        var trailers = 0
        while let kind = current {
            // A chain (`a.b().c[0]…`) nests as deeply as it is long: bounded like brackets.
            trailers += 1
            if trailers > Self.maxDepth * 4 { return nil }
            if kind == .punct("."), index + 1 < tokens.count, case .name(let member) = tokens[index + 1].kind {
                index += 2
                value = .attribute(value, member)
            } else if kind == .punct("(") {
                index += 1
                guard let (arguments, keywords) = callArguments() else { return nil }
                value = .call(value, arguments: arguments, keywords: keywords)
            } else if kind == .punct("[") {
                index += 1
                guard let key = expression(), take("]") else { return nil }
                value = .item(value, key)
            } else if case .punct(let op) = kind, ["+", "-", "*", "/", "%"].contains(op) {
                index += 1
                guard expression() != nil else { return nil }
                return .other(sourceText(from: start))
            } else {
                break
            }
        }
        return value
    }

    private mutating func atom() -> PythonExpression? {
        guard let kind = current else { return nil }
        index += 1
        switch kind {
        case .name("True"): return .bool(true)
        case .name("False"): return .bool(false)
        case .name("None"): return .null
        case .name(let n): return .name(n)
        case .integer(let i): return .integer(i)
        case .float(let d): return .float(d)
        case .string(let s): return concatenated(.string(s))
        case .formatted(let parts): return concatenated(.formatted(parts))
        case .punct("-"):
            // A negative number; anything else after a minus is arithmetic the reader leaves alone.
            index += 1
            switch index <= tokens.count ? tokens[index - 1].kind : nil {
            case .integer(let i)?: return .integer(-i)
            case .float(let d)?: return .float(-d)
            default: return nil
            }
        case .punct("("):
            let first = expression()
            if take(")") { return first ?? .list([]) }
            var items = first.map { [$0] } ?? []
            while take(",") { if current == .punct(")") { break }; guard let next = expression() else { return nil }; items.append(next) }
            return take(")") ? .list(items) : nil
        case .punct("["):
            var items: [PythonExpression] = []
            while !take("]") {
                guard let item = expression() else { return nil }
                items.append(item)
                if !take(",") { return take("]") ? .list(items) : nil }
            }
            return .list(items)
        case .punct("{"):
            var pairs: [(PythonExpression, PythonExpression)] = []
            while !take("}") {
                guard let key = expression(), take(":"), let value = expression() else { return nil }
                pairs.append((key, value))
                if !take(",") { return take("}") ? .dict(pairs) : nil }
            }
            return .dict(pairs)
        default:
            return nil
        }
    }

    /// Adjacent string literals join, as Python joins them.
    private mutating func concatenated(_ first: PythonExpression) -> PythonExpression {
        var parts: [PythonExpression.FormattedPart] = []
        func add(_ e: PythonExpression) {
            if case .string(let s) = e { parts.append(.text(s)) }
            if case .formatted(let p) = e { parts += p }
        }
        add(first)
        var joined = false
        while let kind = current {
            if case .string(let s) = kind { add(.string(s)) } else if case .formatted(let p) = kind { add(.formatted(p)) } else { break }
            index += 1
            joined = true
        }
        guard joined || parts.contains(where: { if case .hole = $0 { true } else { false } }) else { return first }
        if parts.allSatisfy({ if case .text = $0 { true } else { false } }) {
            return .string(parts.map { if case .text(let t) = $0 { t } else { "" } }.joined())
        }
        return .formatted(parts)
    }

    private mutating func callArguments() -> ([PythonExpression], [(String, PythonExpression)])? {
        var arguments: [PythonExpression] = []
        var keywords: [(String, PythonExpression)] = []
        while !take(")") {
            if index + 1 < tokens.count, case .name(let key) = tokens[index].kind, tokens[index + 1].kind == .punct("=") {
                index += 2
                guard let value = expression() else { return nil }
                keywords.append((key, value))
            } else if take("**") || take("*") {
                guard let value = expression() else { return nil }
                arguments.append(.other("**" + value.source))
            } else {
                guard let value = expression() else { return nil }
                arguments.append(value)
            }
            if !take(",") { return take(")") ? (arguments, keywords) : nil }
        }
        return (arguments, keywords)
    }

    private func sourceText(from start: Int) -> String {
        let lower = tokens[start].range.lowerBound, upper = tokens[index - 1].range.upperBound
        return String(text[lower..<upper])
    }
}
