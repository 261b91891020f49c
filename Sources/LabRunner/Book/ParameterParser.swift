// The `params:` section and the values given for it on the command line or in a file.
import Foundation
import Serving

extension StepParser {
    static let parameterKeys = ["type", "default", "description", "values"]
    static let typeNames = ["string", "int", "number", "bool", "path", "enum"]

    func parseParameters(_ node: BookNode) throws -> [ParameterSpec] {
        guard let pairs = node.pairs else { throw LabError(node.location, "'params' is a mapping from name to {type, default}") }
        return try pairs.map { pair in
            guard Self.isIdentifier(pair.key) else {
                throw LabError(pair.keyLocation, "parameter name '\(pair.key)' must be letters, digits, '-' and '_'")
            }
            return try parseParameter(name: pair.key, keyLocation: pair.keyLocation, node: pair.value)
        }
    }

    private func parseParameter(name: String, keyLocation: SourceLocation, node: BookNode) throws -> ParameterSpec {
        guard let pairs = node.pairs else {
            throw LabError(node.location, "parameter '\(name)' is a mapping such as {type: int, default: 10}")
        }
        for pair in pairs where !Self.parameterKeys.contains(pair.key) {
            throw LabError.unknown("parameter key", pair.key, at: pair.keyLocation, known: Self.parameterKeys)
        }
        guard let typeNode = node["type"], let typeName = typeNode.scalar?.string else {
            throw LabError(node.location, "parameter '\(name)' needs a 'type': \(Self.typeNames.joined(separator: ", "))")
        }
        let type: ParameterType
        switch typeName {
        case "string": type = .string
        case "int": type = .int
        case "number": type = .number
        case "bool": type = .bool
        case "path": type = .path
        case "enum":
            guard let values = node["values"].flatMap({ [String].convert($0.value) }), !values.isEmpty else {
                throw LabError(typeNode.location, "an enum parameter needs 'values', a list of names")
            }
            type = .choice(values)
        default:
            throw LabError.unknown("parameter type", typeName, at: typeNode.location, known: Self.typeNames)
        }
        if typeName != "enum", let values = node["values"] {
            throw LabError(values.location, "'values' only goes with type enum")
        }
        var defaultValue: LabValue?
        if let defaultNode = node["default"] {
            defaultValue = try Self.coerce(defaultNode.value, to: type, name: name, at: defaultNode.location)
        }
        let description = try node["description"].map { try localized($0, "description") }
        return ParameterSpec(name: name, type: type, defaultValue: defaultValue, description: description, location: keyLocation)
    }

    /// Converts a given value (from YAML, or text from `-p name=value`) to the parameter's type.
    static func coerce(_ value: LabValue, to type: ParameterType, name: String, at location: SourceLocation) throws -> LabValue {
        let fail = { LabError(location, "parameter '\(name)' is \(type); \(value.jsonString) is not") }
        switch type {
        case .string, .path:
            guard let s = String.convert(value) else { throw fail() }
            return .string(s)
        case .int:
            guard let i = Int.convert(value) else { throw fail() }
            return .int(i)
        case .number:
            guard let d = Double.convert(value), d.isFinite else { throw fail() }
            return .number(d)
        case .bool:
            guard let b = Bool.convert(value) else { throw fail() }
            return .bool(b)
        case let .choice(values):
            guard let s = value.string ?? String.convert(value), values.contains(s) else {
                let hint = value.string.flatMap { nearestName(to: $0, in: values) }.map { " (did you mean '\($0)'?)" } ?? ""
                throw LabError(location, "parameter '\(name)' is one of \(values.joined(separator: ", ")); \(value.jsonString) is not\(hint)")
            }
            return .string(s)
        }
    }
}
