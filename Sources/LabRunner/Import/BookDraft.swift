// The lab book `labbook import` is writing: parameters for the values it could not read,
// and steps, each checked by the real step parser before it is kept, so the skeleton
// `labbook validate` accepts is the one written. A typed step the parser refuses falls
// back to a prose step showing the code, with the parser's reason as its TODO.
import Foundation
import Yams

struct BookDraft {
    let language: String
    let catalog: StepCatalog
    private(set) var parameters: [(name: String, todo: String)] = []
    private(set) var steps: [Node] = []
    /// boto3 clients by variable: `sm = boto3.client("sagemaker")`.
    private var clients: [String: String] = [:]
    /// Variables the book can name: a step's output (`topic = sns.create_topic(...)['TopicArn']`
    /// reads `${steps.create-topic.TopicArn}`) or a literal assigned earlier.
    private var variables: [String: Node] = [:]
    var usedIDs: Set<String> = []

    init(language: String, catalog: StepCatalog) {
        self.language = language
        self.catalog = catalog
    }

    // MARK: Cells

    mutating func addProse(_ markdown: String) {
        var lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var title: String?
        if let first = lines.first, first.hasPrefix("#") {
            title = first.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)
            lines.removeFirst()
        }
        let text = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        var pairs: [(Node, Node)] = [("kind", "prose"), ("id", .init(uniqueID("note")))]
        if let title, !title.isEmpty { pairs.append(("title", localized(title))) }
        if !text.isEmpty { pairs.append(("text", localized(text, block: true))) }
        steps.append(.mapping(.init(pairs)))
    }

    mutating func addCode(_ source: String) {
        if source.hasPrefix("%%writefile") {
            let header = source.prefix { $0 != "\n" }
            let file = header.dropFirst("%%writefile".count).trimmingCharacters(in: .whitespaces)
            let code = source.drop { $0 != "\n" }.trimmingCharacters(in: .newlines)
            addNote(code, title: "`\(file)`", todo: language == "ko"
                ? "TODO: labbook은 핸들러를 이름으로 찾습니다. 이 파일에 맞는 `program:`을 고르세요 (`labbook models`)."
                : "TODO: labbook finds handlers by name. Choose the `program:` that matches this file (`labbook models`).")
            return
        }
        // Code between recognized calls stays where it was, as a note before the next step.
        var pending: [String] = []
        for statement in Self.statements(source) {
            let before = steps.count
            if add(statement) {
                let added = Array(steps[before...])
                steps.removeSubrange(before...)
                flush(&pending)
                steps += added
            } else if !Self.isBoilerplate(statement) {
                pending.append(statement)
            }
        }
        flush(&pending)
    }

    private mutating func flush(_ pending: inout [String]) {
        guard !pending.isEmpty else { return }
        addNote(pending.joined(separator: "\n"), title: nil, todo: language == "ko"
            ? "TODO: labbook이 단계로 옮기지 못한 코드입니다. 맞는 단계로 바꾸거나 지우세요."
            : "TODO: code labbook did not turn into a step. Replace it with steps, or delete it.")
        pending = []
    }

    private mutating func addNote(_ code: String, title: String?, todo: String) {
        let fence = code.contains("```") ? "~~~~" : "```"
        var pairs: [(Node, Node)] = [("kind", "prose"), ("id", .init(uniqueID("code")))]
        if let title { pairs.append(("title", localized(title))) }
        pairs.append(("text", localized("\(todo)\n\n\(fence)python\n\(code)\n\(fence)", block: true)))
        steps.append(.mapping(.init(pairs)))
    }

    /// Takes one statement as a client, a call or a waiter; false when it is none of them.
    private mutating func add(_ text: String) -> Bool {
        guard let statement = PythonReader.statement(text) else { return false }
        if let target = statement.target, let service = Self.clientService(statement.value) {
            clients[target] = service
            return true
        }
        // `x = step(...)["Key"]["Inner"]`: the call, and the output path its result names.
        var call = statement.value, path: [String] = []
        while case let .item(base, .string(key)) = call {
            path.insert(key, at: 0)
            call = base
        }
        guard case let .call(callee, _, keywords) = call, case let .attribute(base, method) = callee else {
            guard let target = statement.target else { return false }
            if let reference = stepReference(statement.value) {  // `output = response["OutputLocation"]`
                variables[target] = .init(reference)
                return true
            }
            if let literal = Self.literal(statement.value) { variables[target] = literal }
            return false
        }
        let added: Bool
        if method == "wait", case let .call(getter, arguments, _) = base, case let .attribute(.name(client), "get_waiter") = getter,
           let service = clients[client], case .string(let waiter)? = arguments.first {
            added = addWaiter(service, waiter, keywords, source: text)
        } else if case .name(let client) = base, let service = clients[client] {
            added = addStep(kind: "\(service).\(method)", keywords, source: text)
        } else {
            return false
        }
        if added, let target = statement.target, let id = lastStepID {
            variables[target] = .init("${steps.\(([id] + path).joined(separator: "."))}")
        }
        return added
    }

    /// `${steps.id.A.B}` for a variable holding a step's output, subscripted by literal keys.
    private func stepReference(_ value: PythonExpression) -> String? {
        switch value {
        case .name(let n):
            guard let text = variables[n]?.string, text.hasPrefix("${steps."), text.hasSuffix("}") else { return nil }
            return text
        case let .item(base, .string(key)):
            return stepReference(base).map { String($0.dropLast()) + ".\(key)}" }
        default:
            return nil
        }
    }

    /// The id of the last typed step added, for references to its output.
    private var lastStepID: String? {
        guard case .mapping(let mapping)? = steps.last, mapping["kind"]?.string != "prose" else { return nil }
        return mapping["id"]?.string
    }

    /// A literal's YAML, when the value is one (no variables or calls inside).
    static func literal(_ value: PythonExpression) -> Node? {
        switch value {
        case .string(let s): return string(s)
        case .integer(let i): return .init(String(i))
        case .float(let d): return .init(String(d))
        case .bool(let b): return .init(b ? "true" : "false")
        default: return nil
        }
    }

    private mutating func addWaiter(_ service: String, _ waiter: String, _ keywords: [(String, PythonExpression)], source: String) -> Bool {
        switch (service, waiter) {
        case ("sagemaker", "endpoint_in_service"), ("sagemaker", "endpoint_deleted"):
            return addStep(kind: "sagemaker.wait", [("Waiter", .string(waiter))] + keywords.filter { $0.0 != "WaiterConfig" }, source: source)
        case ("s3", "object_exists"):
            return addStep(kind: "s3.wait_object_exists", keywords.filter { $0.0 != "WaiterConfig" }, source: source)
        default:
            return false
        }
    }

    /// A typed step, if its kind exists and the step parser accepts it as written.
    private mutating func addStep(kind: String, _ keywords: [(String, PythonExpression)], source: String) -> Bool {
        guard catalog.kind(named: kind) != nil else { return false }
        let saved = parameters
        var pairs: [(Node, Node)] = [("kind", .init(kind)), ("id", .init(uniqueID(Self.idStem(kind))))]
        for (key, value) in keywords { pairs.append((.init(key), yaml(value))) }
        let step = Node.mapping(.init(pairs))
        if let problem = check(steps + [step]) {
            parameters = saved
            addNote(source, title: nil, todo: "TODO: \(kind): \(problem)")
            return true
        }
        steps.append(step)
        return true
    }

    // MARK: Values

    /// A literal as itself; a variable or an expression as a TODO parameter.
    private mutating func yaml(_ value: PythonExpression) -> Node {
        switch value {
        case .string(let s): return Self.string(s)
        case .integer(let i): return .init(String(i))
        case .float(let d): return .init(String(d))
        case .bool(let b): return .init(b ? "true" : "false")
        case .null: return .init("null")
        case .list(let items): return .sequence(.init(items.map { yaml($0) }))
        case .dict(let pairs):
            guard pairs.allSatisfy({ if case .string = $0.0 { true } else { false } }) else { return reference(value) }
            return .mapping(.init(pairs.map { pair in
                guard case .string(let key) = pair.0 else { return (Node("?"), Node("?")) }
                return (.init(key), yaml(pair.1))
            }))
        case .formatted(let parts):
            return Self.string(parts.map { part in
                switch part {
                case .text(let t): t
                case .hole(let h): variables[h]?.string.map { $0.hasPrefix("${") ? $0 : $0 } ?? "${params.\(parameter(h, todo: h))}"
                }
            }.joined())
        case .name(let n): return variables[n] ?? .init("${params.\(parameter(n, todo: n))}")
        case let .item(base, .string(key)):
            // `role["Role"]["Arn"]` on a step's output: a longer path into it.
            if case .scalar(let scalar) = yaml(base), scalar.string.hasPrefix("${steps."), scalar.string.hasSuffix("}") {
                return .init(String(scalar.string.dropLast()) + ".\(key)}")
            }
            return reference(value)
        default: return reference(value)
        }
    }

    private mutating func reference(_ value: PythonExpression) -> Node {
        .init("${params.\(parameter("value", todo: value.source))}")
    }

    /// A string parameter for a Python expression the reader could not evaluate.
    private mutating func parameter(_ expression: String, todo: String) -> String {
        let base = BookDraft.identifier(expression)
        if let existing = parameters.first(where: { $0.todo == todo }) { return existing.name }
        var name = base, n = 2
        while parameters.contains(where: { $0.name == name }) { name = "\(base)_\(n)"; n += 1 }
        parameters.append((name, todo))
        return name
    }
}
