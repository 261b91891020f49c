// BookDraft's text: splitting a cell into statements, naming steps and parameters, and
// writing the book as YAML with Yams (never by string pasting), checked by the parser.
import Foundation
import Yams

extension BookDraft {
    /// A cell's statements: lines joined while a bracket is open or a line ends in `\`.
    static func statements(_ source: String) -> [String] {
        var statements: [String] = []
        var current = "", depth = 0
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            // An indented line belongs to the block the previous statement opened.
            if current.isEmpty, let last = statements.last, line.first?.isWhitespace ?? false,
               !line.trimmingCharacters(in: .whitespaces).isEmpty {
                statements[statements.count - 1] = last + "\n" + line
                continue
            }
            current += current.isEmpty ? String(line) : "\n" + line
            depth += bracketDepth(String(line))
            if depth <= 0, !line.hasSuffix("\\") {
                if !current.trimmingCharacters(in: .whitespaces).isEmpty { statements.append(current) }
                current = ""
                depth = 0
            }
        }
        if !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { statements.append(current) }
        return statements
    }

    /// Opened minus closed brackets on a line, outside strings and comments.
    private static func bracketDepth(_ line: String) -> Int {
        var depth = 0
        var quote: Character?
        var escaped = false
        for c in line {
            if let q = quote {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == q { quote = nil }
            } else if c == "#" {
                break
            } else if c == "\"" || c == "'" {
                quote = c
            } else if "([{".contains(c) {
                depth += 1
            } else if ")]}".contains(c) {
                depth -= 1
            }
        }
        return depth
    }

    /// Imports, prints and comments: code a lab book does not need.
    static func isBoilerplate(_ statement: String) -> Bool {
        let text = statement.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty || text.hasPrefix("#") || text.hasPrefix("import ") || text.hasPrefix("from ")
            || text.hasPrefix("print(") || text.hasPrefix("display(")
    }

    /// `boto3.client("svc")`, `boto3.Session().client("svc")`, `session.client(service_name="svc")`.
    static func clientService(_ value: PythonExpression) -> String? {
        guard case let .call(callee, arguments, keywords) = value, case .attribute(_, "client") = callee else { return nil }
        if case .string(let service)? = arguments.first { return service }
        if let named = keywords.first(where: { $0.0 == "service_name" }), case .string(let service) = named.1 { return service }
        return nil
    }

    static func idStem(_ kind: String) -> String {
        String(kind.split(separator: ".").last ?? Substring(kind)).replacingOccurrences(of: "_", with: "-")
    }

    mutating func uniqueID(_ stem: String) -> String {
        var id = stem, n = 2
        while usedIDs.contains(id) { id = "\(stem)-\(n)"; n += 1 }
        usedIDs.insert(id)
        return id
    }

    /// A parameter name from a Python expression: `sess.default_bucket()` → sess_default_bucket.
    static func identifier(_ expression: String) -> String {
        var name = String(expression.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        while name.contains("__") { name = name.replacingOccurrences(of: "__", with: "_") }
        name = name.trimmingCharacters(in: CharacterSet(charactersIn: "_"))
        if !(name.first?.isLetter ?? false) { name = "value" + (name.isEmpty ? "" : "_" + name) }
        return String(name.prefix(40))
    }

    func localized(_ text: String, block: Bool = false) -> Node {
        .mapping(.init([(.init(language), block && text.contains("\n") ? .scalar(.init(text, .implicit, .literal)) : Self.string(text))]))
    }

    /// A string that stays a string when read back (never a number, a boolean or null).
    static func string(_ s: String) -> Node {
        .scalar(.init(s, .init(Tag.Name.str), .doubleQuoted))
    }

    /// The whole book as YAML.
    func yaml(id: String, title: String, source: String) throws -> String {
        let body = try Yams.serialize(node: bookNode(id: id, title: title, steps: steps), width: -1, allowUnicode: true)
        return "# Imported from \(URL(fileURLWithPath: source).lastPathComponent) by `labbook import`.\n"
            + "# Check every TODO: parameters whose default says TODO, and prose steps that show code.\n" + body
    }

    private func bookNode(id: String, title: String, steps: [Node]) -> Node {
        var pairs: [(Node, Node)] = [("id", .init(id)), ("title", localized(title))]
        if !parameters.isEmpty {
            pairs.append(("params", .mapping(.init(parameters.map { parameter in
                (Node(parameter.name), Node.mapping(.init([(Node("type"), Node("string")), (Node("default"), Self.string("TODO: \(parameter.todo)"))])))
            }))))
        }
        pairs.append(("steps", .sequence(.init(steps))))
        return .mapping(.init(pairs))
    }

    /// What the step parser says about the last of `steps` in a book with the draft's parameters, or nil.
    func check(_ steps: [Node]) -> String? {
        do {
            let text = try Yams.serialize(node: bookNode(id: "check", title: "check", steps: steps), allowUnicode: true)
            let root = try YAMLReader.read(text, file: "import")
            _ = try StepParser(catalog: catalog).parseBook(root, file: URL(fileURLWithPath: "import.yaml"))
            return nil
        } catch let error as LabError {
            return error.message
        } catch {
            return "\(error)"
        }
    }
}
