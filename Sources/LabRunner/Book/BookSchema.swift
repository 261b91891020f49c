// The JSON Schema (draft-07) of a lab book, printed by `labbook schema` and kept as
// docs/labbook.schema.json. Books name it with `# yaml-language-server: $schema=…` so
// VS Code's YAML extension checks keys, types and enums as the author types. It comes from
// the step declarations, and AWS parameters from botocore's shapes, member by member.
// Any value may instead be a `${...}` reference, which the schema allows wherever a
// number, list or mapping goes.
import AWSShapes

public struct BookSchema {
    let catalog: StepCatalog
    private var definitions = LabObject()

    public init(catalog: StepCatalog) { self.catalog = catalog }

    /// The schema document.
    public mutating func document() -> LabValue {
        definitions = LabObject()
        definitions["reference"] = object(("type", "string"), ("pattern", "\\$\\{"),
                                          ("description", .string(StepReference.referenceGrammar)))
        definitions["localized"] = .object(Self.localized)
        definitions["expectation"] = .object(Self.expectation)
        var dispatch: [LabValue] = []
        for kind in catalog.all {
            definitions["step.\(kind.kind)"] = .object(stepSchema(kind))
            dispatch.append(object(("if", object(("properties", object(("kind", object(("const", .string(kind.kind)))))),
                                                 ("required", ["kind"]))),
                                   ("then", ref("step.\(kind.kind)"))))
        }
        definitions["step"] = object(
            ("type", "object"), ("required", ["kind"]),
            ("properties", object(("kind", object(("description", "The step kind: `labbook kinds` lists them."),
                                                  ("enum", .list(catalog.names.map(LabValue.string))))))),
            ("allOf", .list(dispatch)))
        return object(
            ("$schema", "http://json-schema.org/draft-07/schema#"),
            ("$id", "urn:labbook:lab-book-schema"),
            ("title", "labbook lab book"),
            ("description", "A declarative hands-on lab: typed steps, expectations and a handout."),
            ("type", "object"), ("required", ["id", "title", "steps"]), ("additionalProperties", false),
            ("properties", object(
                ("id", object(("type", "string"), ("pattern", "^[a-z][a-z0-9_-]*$"), ("description", "The book's id: lower-case letters, digits, '-' and '_', starting with a letter."))),
                ("title", ref("localized")), ("intro", ref("localized")),
                ("params", object(("type", "object"), ("additionalProperties", .object(Self.parameter)))),
                ("steps", object(("type", "array"), ("minItems", 1), ("items", ref("step"))))
            )),
            ("definitions", .object(definitions)))
    }

    private mutating func stepSchema(_ kind: any LabStep.Type) -> LabObject {
        let declaration = kind.declaration
        var properties = LabObject([("kind", object(("const", .string(kind.kind))))])
        for (key, schema) in Self.commonKeys { properties[key] = schema }
        for key in declaration.keys {
            var schema = self.schema(key.type)
            if case var .object(described) = schema {
                let text = key.summary + (key.defaultValue.map { " Default: \($0)." } ?? "")
                described["description"] = .string(text)
                schema = .object(described)
            }
            properties[key.name] = schema
        }
        var result = LabObject([("type", "object"), ("description", .string(kind.summary)), ("properties", .object(properties)),
                                ("required", .list((["kind"] + declaration.keys.filter(\.isRequired).map(\.name)).map(LabValue.string))),
                                ("additionalProperties", false)])
        if !declaration.exactlyOne.isEmpty {
            result["allOf"] = .list(declaration.exactlyOne.map { group in
                object(("oneOf", .list(group.map { object(("required", [.string($0)])) })))
            })
        }
        return result
    }

    private mutating func schema(_ type: KeyType) -> LabValue {
        switch type {
        case .string: return object(("type", ["string", "number", "boolean"]))
        // The parser also takes these as text ("3", "0.5", "true"), as YAML files often quote them.
        case .integer: return referable(object(("type", "integer")), text: "^-?[0-9]+$")
        case .number: return referable(object(("type", "number")), text: "^-?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?$")
        case .bool: return referable(object(("type", "boolean")), text: "^(true|false)$")
        case .any: return object()
        case let .choice(words): return referable(object(("enum", .list(words.map(LabValue.string)))))
        case let .list(element): return referable(object(("type", "array"), ("items", schema(element))))
        case .mapping: return referable(object(("type", "object")))
        case let .fields(keys):
            var properties = LabObject()
            for key in keys {
                var schema = self.schema(key.type)
                if case var .object(described) = schema {
                    described["description"] = .string(key.summary)
                    schema = .object(described)
                }
                properties[key.name] = schema
            }
            return referable(object(("type", "object"), ("properties", .object(properties)),
                                    ("required", .list(keys.filter(\.isRequired).map { .string($0.name) })), ("additionalProperties", false)))
        case .localized: return ref("localized")
        case .steps: return object(("type", "array"), ("minItems", 1), ("items", ref("step")))
        case let .botocore(service, shape): return botocore(service, shape)
        }
    }

    /// A botocore shape as a shared definition (shapes refer to each other, sometimes in a cycle).
    private mutating func botocore(_ service: String, _ name: String) -> LabValue {
        let key = "botocore.\(service).\(name)"
        if definitions[key] == nil, let model = ServiceModel.named(service), let shape = model.shapes[name] {
            definitions[key] = object()  // placeholder, so a cycle ends here
            definitions[key] = shapeSchema(shape, in: model)
        }
        return ref(key)
    }

    private mutating func shapeSchema(_ shape: AWSShapes.Shape, in model: ServiceModel) -> LabValue {
        switch shape.kind {
        case .structure, .unionStructure:
            var properties = LabObject()
            for member in shape.members where member.location != .statusCode {
                var schema = botocore(model.name, member.shape)
                if let text = model.documentation(ofMember: member.name, in: shape.name) {
                    schema = object(("allOf", [schema]), ("description", .string(text)))
                }
                properties[member.name] = schema
            }
            return referable(object(("type", "object"), ("properties", .object(properties)),
                                    ("required", .list(shape.required.map(LabValue.string))), ("additionalProperties", false)))
        case .list:
            return referable(object(("type", "array"), ("items", shape.member.map { botocore(model.name, $0.shape) } ?? object())))
        case .map:
            return referable(object(("type", "object"), ("additionalProperties", shape.value.map { botocore(model.name, $0.shape) } ?? object())))
        case .string where !shape.enumValues.isEmpty:
            return referable(object(("enum", .list(shape.enumValues.map(LabValue.string)))))
        case .string, .blob, .timestamp:
            return object(("type", ["string", "number", "boolean"]))
        case .integer, .long, .short, .byte, .biginteger:
            var schema = LabObject([("type", "integer")])
            if let min = shape.min { schema["minimum"] = .number(min) }
            if let max = shape.max { schema["maximum"] = .number(max) }
            return referable(.object(schema))
        case .float, .double, .bigdecimal: return referable(object(("type", "number")))
        case .boolean: return referable(object(("type", "boolean")))
        case .document: return object()
        }
    }

    /// A value that may also be written as a `${...}` reference.
    private func referable(_ schema: LabValue, text pattern: String? = nil) -> LabValue {
        let written: [LabValue] = pattern.map { [object(("type", "string"), ("pattern", .string($0)))] } ?? []
        return object(("anyOf", .list([schema] + written + [ref("reference")])))
    }

    private func ref(_ name: String) -> LabValue { object(("$ref", .string("#/definitions/\(name)"))) }

    private func object(_ pairs: (String, LabValue)...) -> LabValue { .object(LabObject(pairs)) }
}
