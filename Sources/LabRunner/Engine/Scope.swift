// What `${...}` can see while a step runs, and how a written value becomes a real one.

struct Scope: Sendable {
    var params: [String: LabValue]
    var outputs: [String: LabValue] = [:]
    var item: LabValue?
    var index: Int?
    var lab: [String: LabValue]

    func value(of reference: Reference) throws -> LabValue {
        let base: LabValue
        switch reference.root {
        case let .param(name):
            guard let v = params[name] else { throw PathError(reference.text, "names no parameter", ko: "그런 이름의 파라미터가 없습니다") }
            base = v
        case let .step(id):
            guard let v = outputs[id] else {
                throw PathError(reference.text, "names step '\(id)', which has not produced an output (did it fail or was it skipped?)",
                                ko: "단계 '\(id)'의 출력이 아직 없습니다 (실패했거나 건너뛴 단계인가요?)")
            }
            base = v
        case .item:
            guard let item else { throw PathError(reference.text, "is only defined inside 'repeat'", ko: "'repeat' 안에서만 쓸 수 있습니다") }
            base = item
        case .index:
            guard let index else { throw PathError(reference.text, "is only defined inside 'repeat'", ko: "'repeat' 안에서만 쓸 수 있습니다") }
            base = .int(index)
        case let .lab(key):
            base = lab[key] ?? .null
        }
        let value = try reference.path.lookup(in: base)
        return reference.asJSON ? .string(value.jsonString) : value
    }

    /// Resolves every reference inside `node`.
    func resolve(_ node: BookNode) throws -> LabValue {
        switch node.content {
        case let .scalar(value):
            guard let s = value.string, s.contains("$") else { return value }
            return try resolve(string: s, at: node.location)
        case let .list(items):
            return .list(try items.map(resolve))
        case let .mapping(pairs):
            return .object(LabObject(try pairs.map { ($0.key, try resolve($0.value)) }))
        }
    }

    private func resolve(string: String, at location: SourceLocation) throws -> LabValue {
        do {
            let template = try TemplateString(parsing: string)
            if let sole = template.soleReference { return try value(of: sole) }
            var out = ""
            for part in template.parts {
                switch part {
                case let .text(t): out += t
                case let .reference(r): out += try value(of: r).splicedText
                }
            }
            return .string(out)
        } catch let error as PathError {
            throw LabError(location, "cannot resolve ${\(error.path)}: \(error.message)",
                           ko: "${\(error.path)}의 값을 구할 수 없습니다: \(error.koMessage)")
        }
    }
}
