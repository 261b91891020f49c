import Serving

// `${params.name}`, `${steps.<id>.<path>}`, `${item}`, `${index}`, `${lab.dir}`,
// `${lab.out}` inside lab-book values. A value that is exactly one reference keeps the
// referenced value's type; references inside longer text are spliced in as text.
// `$${` writes a literal `${`.

/// One `${...}` reference, parsed.
public struct Reference: Sendable, Equatable, CustomStringConvertible {
    public enum Root: Sendable, Equatable {
        case param(String)
        case step(String)
        case item, index
        case lab(String)
    }

    public var root: Root
    public var path: ValuePath
    public var text: String
    /// `${params.review | json}`: the value as JSON text (a string gets its quotes and
    /// escapes), for splicing a value into a JSON document written as text.
    public var asJSON = false

    public var description: String { "${\(text)}" }

    static let labKeys = ["dir", "out", "id"]

    init(parsing written: String) throws {
        var text = written
        if let bar = written.firstIndex(of: "|") {
            let filter = written[written.index(after: bar)...].trimmingCharacters(in: .whitespaces)
            guard filter == "json" else { throw PathError(written, "has an unknown filter '\(filter)'; the one filter is 'json'") }
            asJSON = true
            text = written[..<bar].trimmingCharacters(in: .whitespaces)
        }
        self.text = text
        let full = try ValuePath(parsing: text)
        guard case let .key(head)? = full.components.first else { throw PathError(text, "must start with a name") }
        var rest = Array(full.components.dropFirst())
        func name(_ what: String) throws -> String {
            guard case let .key(n)? = rest.first else { throw PathError(text, "needs a \(what) name after '\(head).'") }
            rest.removeFirst()
            return n
        }
        switch head {
        case "params": root = .param(try name("parameter"))
        case "steps": root = .step(try name("step"))
        case "item": root = .item
        case "index": root = .index
        case "lab":
            let key = try name("lab")
            guard Self.labKeys.contains(key) else { throw PathError(text, "'lab.\(key)' is not one of lab.dir, lab.out, lab.id") }
            root = .lab(key)
        default:
            let hint = nearestName(to: head, in: ["params", "steps", "item", "index", "lab"]).map { " (did you mean '\($0)'?)" } ?? ""
            throw PathError(text, "starts with '\(head)'\(hint); references start with params., steps., lab., item or index")
        }
        path = ValuePath(components: rest, text: text)
    }
}

/// A string split into literal text and references.
struct TemplateString: Sendable {
    enum Part: Sendable { case text(String), reference(Reference) }
    var parts: [Part]

    var references: [Reference] {
        parts.compactMap { if case let .reference(r) = $0 { r } else { nil } }
    }

    /// The single reference when the whole string is one `${...}`.
    var soleReference: Reference? {
        if parts.count == 1, case let .reference(r) = parts[0] { r } else { nil }
    }

    init(parsing string: String) throws {
        var parts: [Part] = []
        var text = ""
        var rest = Substring(string)
        while let dollar = rest.firstIndex(of: "$") {
            text += rest[..<dollar]
            let after = rest[dollar...]
            if after.hasPrefix("$${") {
                text += "${"
                rest = after.dropFirst(3)
            } else if after.hasPrefix("${") {
                guard let close = after.firstIndex(of: "}") else { throw PathError(String(after), "has no closing '}'") }
                if !text.isEmpty { parts.append(.text(text)); text = "" }
                let inner = after[after.index(after.startIndex, offsetBy: 2)..<close].trimmingCharacters(in: .whitespaces)
                parts.append(.reference(try Reference(parsing: inner)))
                rest = after[after.index(after: close)...]
            } else {
                text += "$"
                rest = after.dropFirst()
            }
        }
        text += rest
        if !text.isEmpty || parts.isEmpty { parts.append(.text(text)) }
        self.parts = parts
    }
}
