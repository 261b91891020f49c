// Reads a lab book: the top-level keys, the parameters and every step, checking kinds,
// keys, types and references as it goes. Every error is located.
import Foundation

final class StepParser {
    static let topKeys = ["id", "title", "intro", "params", "steps"]
    static let commonKeys = ["kind", "id", "title", "text", "expect", "expect-error", "timeout", "always"]

    private let catalog: StepCatalog
    private var parameterNames: [String] = []
    private var allIDs: [String: SourceLocation] = [:]
    private var visible: [String] = []
    private var repeatDepth = 0
    private var generatedCount = 0
    /// Every id written anywhere in the book, to tell "defined later" from "misspelt".
    private var declaredIDs: Set<String> = []

    init(catalog: StepCatalog) { self.catalog = catalog }

    func parseBook(_ root: BookNode, file: URL) throws -> LabBook {
        guard let pairs = root.pairs else {
            throw LabError(root.location, "a lab book is a mapping with keys \(Self.topKeys.joined(separator: ", ")); found a \(root.typeName)")
        }
        for pair in pairs where !Self.topKeys.contains(pair.key) {
            throw LabError.unknown("key", pair.key, at: pair.keyLocation, known: Self.topKeys)
        }
        let id = try bookID(root)
        guard let titleNode = root["title"] else { throw LabError(root.location, "a lab book needs a 'title'") }
        let title = try localized(titleNode, "title")
        let intro = try root["intro"].map { try localized($0, "intro") }
        let parameters = try root["params"].map(parseParameters) ?? []
        parameterNames = parameters.map(\.name)
        declaredIDs = Self.stepIDs(in: root["steps"])
        guard let stepsNode = root["steps"] else { throw LabError(root.location, "a lab book needs 'steps'") }
        let steps = try parseSteps(stepsNode)
        guard !steps.isEmpty else { throw LabError(stepsNode.location, "'steps' is empty; a lab book has at least one step") }
        return LabBook(id: id, title: title, intro: intro, parameters: parameters, steps: steps, file: file)
    }

    private func bookID(_ root: BookNode) throws -> String {
        guard let node = root["id"] else { throw LabError(root.location, "a lab book needs an 'id' (lower-case letters, digits and '-')") }
        guard let id = node.scalar?.string, Self.isIdentifier(id, allowUpper: false) else {
            throw LabError(node.location, "'id' must be lower-case letters, digits and '-', starting with a letter; found \(node.value.jsonString)")
        }
        return id
    }

    static func isIdentifier(_ s: String, allowUpper: Bool = true) -> Bool {
        guard let first = s.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII else { return false }
        return s.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
                && (allowUpper || !$0.properties.isUppercase)
        }
    }

    func localized(_ node: BookNode, _ key: String) throws -> Localized {
        if let text = node.scalar?.string { return Localized(ko: text, en: text) }
        guard let pairs = node.pairs else { throw LabError(node.location, "'\(key)' is text, or a mapping with 'ko' and 'en'") }
        var result = Localized()
        for pair in pairs {
            guard let text = pair.value.scalar?.string else { throw LabError(pair.value.location, "'\(key).\(pair.key)' must be text") }
            switch pair.key {
            case "ko": result.ko = text
            case "en": result.en = text
            default: throw LabError.unknown("language", pair.key, at: pair.keyLocation, known: ["ko", "en"])
            }
        }
        guard result.ko != nil || result.en != nil else { throw LabError(node.location, "'\(key)' needs 'ko' or 'en' text") }
        return result
    }

    // MARK: Steps

    func parseSteps(_ node: BookNode) throws -> [StepSpec] {
        guard let items = node.items else { throw LabError(node.location, "'steps' must be a list of steps") }
        let outerVisible = visible
        defer { visible = outerVisible }
        return try items.map(parseStep)
    }

    private func parseStep(_ node: BookNode) throws -> StepSpec {
        guard let pairs = node.pairs else { throw LabError(node.location, "a step is a mapping with at least 'kind'; found a \(node.typeName)") }
        guard let kindNode = node["kind"] else { throw LabError(node.location, "this step has no 'kind'; kinds: \(catalog.names.joined(separator: ", "))") }
        guard let kindName = kindNode.scalar?.string else { throw LabError(kindNode.location, "'kind' must be a name") }
        guard let kind = catalog.kind(named: kindName) else {
            throw LabError.unknown("step kind", kindName, at: kindNode.location, known: catalog.names)
        }
        let (id, explicit) = try stepID(node, kind: kindName)
        let title = try node["title"].map { try localized($0, "title") }
        let text = try node["text"].map { try localized($0, "text") }
        let expectations = try node["expect"].map(parseExpectations) ?? []
        let timeout = try positiveNumber(node["timeout"], "timeout")
        if let timeout, timeout > 86_400, let node = node["timeout"] {
            throw LabError(node.location, "'timeout' is at most 86400 seconds (a day)")
        }
        let always = try flag(node["always"], "always")
        var expectedError: String?
        if let errorNode = node["expect-error"] {
            guard let code = errorNode.scalar?.string, !code.isEmpty else {
                throw LabError(errorNode.location, "'expect-error' is an AWS error code such as ValidationException")
            }
            expectedError = code
        }

        let own = pairs.filter { !Self.commonKeys.contains($0.key) }
        let references = try checkReferences(in: node)
        var arguments = StepArguments(kind: kindName, declaration: kind.declaration, location: node.location, pairs: own) { [unowned self] nested in
            repeatDepth += 1
            defer { repeatDepth -= 1 }
            return try parseSteps(nested)
        }
        let step: any LabStep
        do {
            try arguments.checkDeclared()
            step = try kind.init(arguments: &arguments)
        } catch {
            try arguments.reportTypos()  // a misspelt key explains a missing one better
            throw error
        }
        try arguments.finish()
        if explicit { visible.append(id) }
        let childRefs = step.children.reduce(into: Set<String>()) { $0.formUnion($1.references) }
        let childParameters = step.children.reduce(into: Set<String>()) { $0.formUnion($1.parameterReferences) }
        return StepSpec(kind: kindName, id: id, hasExplicitID: explicit, title: title, text: text,
                        expectations: expectations, expectedError: expectedError, timeout: timeout, always: always, location: node.location,
                        step: step, references: references.steps.union(childRefs),
                        parameterReferences: references.parameters.union(childParameters), source: node.value.jsonString)
    }

    private func stepID(_ node: BookNode, kind: String) throws -> (String, Bool) {
        guard let idNode = node["id"] else {
            generatedCount += 1
            return ("#\(generatedCount)", false)  // '#' is not allowed in written ids, so no clash
        }
        guard let id = idNode.scalar?.string, Self.isIdentifier(id) else {
            throw LabError(idNode.location, "a step 'id' is letters, digits, '-' and '_', starting with a letter; found \(idNode.value.jsonString)")
        }
        if repeatDepth > 0, RepeatStep.reservedKeys.contains(id) {
            throw LabError(idNode.location, "'\(id)' names a field of every repeat iteration; choose another id")
        }
        if let first = allIDs[id] {
            throw LabError(idNode.location, "duplicate step id '\(id)' (first used at line \(first.line))")
        }
        allIDs[id] = idNode.location
        return (id, true)
    }

    /// Checks every `${...}` in the step (outside nested steps) against what is in scope;
    /// returns the steps and the parameters it names.
    private func checkReferences(in node: BookNode) throws -> (steps: Set<String>, parameters: Set<String>) {
        var steps = Set<String>(), parameters = Set<String>()
        for pair in node.pairs ?? [] where !["steps", "text", "title"].contains(pair.key) {  // prose is not interpolated
            for (reference, location) in try TemplateScanner.references(in: pair.value) {
                switch reference.root {
                case let .param(name) where !parameterNames.contains(name):
                    throw LabError.unknown("parameter", name, at: location, known: parameterNames)
                case let .step(name) where !visible.contains(name):
                    let known = declaredIDs.contains(name)
                        ? " (it is defined later or inside a repeat; a step can only use earlier steps' outputs)" : ""
                    if !known.isEmpty { throw LabError(location, "step '\(name)' is not available here\(known)") }
                    throw LabError.unknown("step id", name, at: location, known: visible)
                case let .step(name): steps.insert(name)
                case let .param(name): parameters.insert(name)
                case .item, .index:
                    if repeatDepth == 0 {
                        throw LabError(location, "\(reference) is only defined inside a 'repeat' step")
                    }
                default: break
                }
            }
        }
        return (steps, parameters)
    }

    private static func stepIDs(in node: BookNode?) -> Set<String> {
        var ids = Set<String>()
        for item in node?.items ?? [] {
            if let id = item["id"]?.scalar?.string { ids.insert(id) }
            ids.formUnion(stepIDs(in: item["steps"]))
        }
        return ids
    }

    private func parseExpectations(_ node: BookNode) throws -> [Expectation] {
        guard let items = node.items else { throw LabError(node.location, "'expect' must be a list of checks") }
        return try items.map(Expectation.parse)
    }

    func positiveNumber(_ node: BookNode?, _ key: String) throws -> Double? {
        guard let node else { return nil }
        guard let value = node.scalar?.double, value > 0, value.isFinite else {
            throw LabError(node.location, "'\(key)' must be a positive number of seconds")
        }
        return value
    }

    private func flag(_ node: BookNode?, _ key: String) throws -> Bool {
        guard let node else { return false }
        guard let value = node.scalar?.bool else { throw LabError(node.location, "'\(key)' must be true or false") }
        return value
    }
}
