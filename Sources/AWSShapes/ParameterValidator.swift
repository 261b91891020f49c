// Checks a boto3-shaped value against its input shape in two passes, as a real call
// meets two checks: botocore's client-side ParamValidator (required and unknown members,
// types, minimum lengths and values) and the service's own constraint check (maximums,
// enums, patterns), which AWS reports as "Value '...' at 'member' failed to satisfy constraint".
import Foundation

public struct ParameterValidator: Sendable {
    public let model: ServiceModel

    public init(_ model: ServiceModel) { self.model = model }

    /// botocore's messages, e.g. `Missing required parameter in input: "Bucket"`.
    public func clientProblems(_ value: AWSValue, shape: String) -> [String] {
        var problems: [String] = []
        client(value, model.shape(shape), "input", &problems)
        return problems
    }

    /// AWS's constraint messages, e.g. `Value 'x' at 'endpointName' failed to satisfy constraint: ...`.
    public func serviceProblems(_ value: AWSValue, shape: String) -> [String] {
        var problems: [String] = []
        service(value, model.shape(shape), "", &problems)
        return problems
    }

    /// AWS's framing of constraint problems: "2 validation errors detected: a; b".
    public static func serviceMessage(_ problems: [String]) -> String {
        let head = problems.count == 1 ? "1 validation error detected: " : "\(problems.count) validation errors detected: "
        return head + problems.joined(separator: "; ")
    }

    /// botocore's ParamValidationError text.
    public static func clientMessage(_ problems: [String]) -> String {
        "Parameter validation failed:\n" + problems.joined(separator: "\n")
    }

    // MARK: - botocore's client-side pass

    private func client(_ value: AWSValue, _ shape: Shape, _ name: String, _ problems: inout [String]) {
        guard value != .null else { return }
        guard accepts(value, shape.kind) else {
            problems.append("Invalid type for parameter \(name), value: \(Self.python(value)), type: <class '\(value.typeName)'>, valid types: \(Self.validTypes(shape.kind))")
            return
        }
        switch shape.kind {
        case .structure, .unionStructure:
            let entries = value.entries ?? [:]
            for required in shape.required where (entries[required] ?? .null) == .null {
                problems.append("Missing required parameter in \(name): \"\(required)\"")
            }
            for key in entries.keys.sorted() {
                guard let member = shape.member(named: key) else {
                    let valid = shape.members.map(\.name).joined(separator: ", ")
                    problems.append("Unknown parameter in \(name): \"\(key)\", must be one of: \(valid)")
                    continue
                }
                client(entries[key]!, model.shape(member.shape), name == "input" ? key : "\(name).\(key)", &problems)
            }
        case .list:
            let items = value.list ?? []
            checkMinimum(Double(items.count), shape, name, value, length: true, &problems)
            let memberShape = model.shape(shape.member!.shape)
            for (i, item) in items.enumerated() { client(item, memberShape, "\(name)[\(i)]", &problems) }
        case .map:
            let entries = value.entries ?? [:]
            checkMinimum(Double(entries.count), shape, name, value, length: true, &problems)
            let valueShape = model.shape(shape.value!.shape)
            for key in entries.keys.sorted() { client(entries[key]!, valueShape, "\(name).\(key)", &problems) }
        case .string:
            checkMinimum(Double(value.string?.count ?? 0), shape, name, value, length: true, &problems)
        case .integer, .long, .float, .double, .short, .byte:
            checkMinimum(value.double ?? 0, shape, name, value, length: false, &problems)
        default: break
        }
    }

    private func checkMinimum(_ measure: Double, _ shape: Shape, _ name: String, _ value: AWSValue,
                              length: Bool, _ problems: inout [String]) {
        guard let min = shape.min, measure < min else { return }
        let what = length ? "length" : "value"
        problems.append("Invalid \(what) for parameter \(name), value: \(length ? Self.number(measure) : Self.python(value)), valid min \(what): \(Self.number(min))")
    }

    private func accepts(_ value: AWSValue, _ kind: Shape.Kind) -> Bool {
        switch (kind, value) {
        case (.structure, .map), (.unionStructure, .map), (.map, .map), (.list, .list), (.string, .string),
             (.boolean, .bool), (.document, _):
            true
        case (.integer, .integer), (.long, .integer), (.short, .integer), (.byte, .integer), (.biginteger, .integer):
            true
        case (.float, .integer), (.float, .double), (.double, .integer), (.double, .double),
             (.bigdecimal, .integer), (.bigdecimal, .double):
            true
        // boto3 takes str, bytes or a file for blobs, and datetime or str for timestamps.
        case (.blob, .blob), (.blob, .string), (.timestamp, .timestamp), (.timestamp, .string),
             (.timestamp, .integer), (.timestamp, .double):
            true
        default: false
        }
    }

    // MARK: - the service's constraint pass

    private func service(_ value: AWSValue, _ shape: Shape, _ path: String, _ problems: inout [String]) {
        switch (shape.kind, value) {
        case (.structure, .map(let entries)), (.unionStructure, .map(let entries)):
            for required in shape.required where (entries[required] ?? .null) == .null {
                problems.append("Value null at '\(Self.join(path, required))' failed to satisfy constraint: Member must not be null")
            }
            for member in shape.members {
                guard let item = entries[member.name], item != .null else { continue }
                service(item, model.shape(member.shape), Self.join(path, member.name), &problems)
            }
        case (.list, .list(let items)):
            constrainCount(items.count, shape, path, &problems)
            let memberShape = model.shape(shape.member!.shape)
            for (i, item) in items.enumerated() { service(item, memberShape, "\(path).\(i + 1).member", &problems) }
        case (.map, .map(let entries)):
            constrainCount(entries.count, shape, path, &problems)
            let keyShape = model.shape(shape.key!.shape), valueShape = model.shape(shape.value!.shape)
            for key in entries.keys.sorted() {
                service(.string(key), keyShape, "\(path).\(key).key", &problems)
                service(entries[key]!, valueShape, "\(path).\(key).value", &problems)
            }
        case (.string, .string(let text)):
            constrainString(text, shape, path, &problems)
        case (.integer, _), (.long, _), (.float, _), (.double, _):
            guard let number = value.double else { return }
            let text = Self.python(value)
            if let min = shape.min, number < min {
                problems.append("Value '\(text)' at '\(path)' failed to satisfy constraint: Member must have value greater than or equal to \(Self.number(min))")
            }
            if let max = shape.max, number > max {
                problems.append("Value '\(text)' at '\(path)' failed to satisfy constraint: Member must have value less than or equal to \(Self.number(max))")
            }
        default: break
        }
    }

    private func constrainString(_ text: String, _ shape: Shape, _ path: String, _ problems: inout [String]) {
        var failed: [String] = []
        if let min = shape.min, Double(text.count) < min { failed.append("have length greater than or equal to \(Self.number(min))") }
        if let max = shape.max, Double(text.count) > max { failed.append("have length less than or equal to \(Self.number(max))") }
        if !shape.enumValues.isEmpty && !shape.enumValues.contains(text) {
            failed.append("satisfy enum value set: [\(shape.enumValues.joined(separator: ", "))]")
        }
        if let pattern = shape.pattern, !JavaPattern.matches(text, pattern) {
            failed.append("satisfy regular expression pattern: \(pattern)")
        }
        problems += failed.map { "Value '\(text)' at '\(path)' failed to satisfy constraint: Member must \($0)" }
    }

    private func constrainCount(_ count: Int, _ shape: Shape, _ path: String, _ problems: inout [String]) {
        if let min = shape.min, Double(count) < min {
            problems.append("Value '[\(count) items]' at '\(path)' failed to satisfy constraint: Member must have length greater than or equal to \(Self.number(min))")
        }
        if let max = shape.max, Double(count) > max {
            problems.append("Value '[\(count) items]' at '\(path)' failed to satisfy constraint: Member must have length less than or equal to \(Self.number(max))")
        }
    }

    // MARK: - text

    /// AWS names members in constraint paths in lower camel case: `productionVariants.1.member.variantName`.
    static func join(_ path: String, _ member: String) -> String {
        let head = member.prefix(1).lowercased() + member.dropFirst()
        return path.isEmpty ? head : "\(path).\(head)"
    }

    static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// A value as Python's repr would print it in botocore's messages.
    static func python(_ value: AWSValue) -> String {
        switch value {
        case .null: "None"
        case .bool(let b): b ? "True" : "False"
        case .integer(let i): String(i)
        case .double(let d): String(d)
        case .string(let s): s
        case .blob(let d): "b'<\(d.count) bytes>'"
        case .timestamp(let d): ISO8601DateFormatter().string(from: d)
        case .list(let items): "[" + items.map(python).joined(separator: ", ") + "]"
        case .map(let entries): "{" + entries.keys.sorted().map { "'\($0)': \(python(entries[$0]!))" }.joined(separator: ", ") + "}"
        }
    }

    static func validTypes(_ kind: Shape.Kind) -> String {
        switch kind {
        case .structure, .unionStructure, .map: "<class 'dict'>"
        case .list: "<class 'list'>, <class 'tuple'>"
        case .string: "<class 'str'>"
        case .boolean: "<class 'bool'>"
        case .integer, .long, .short, .byte, .biginteger: "<class 'int'>"
        case .float, .double, .bigdecimal: "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>"
        case .blob: "<class 'bytes'>, <class 'bytearray'>, file-like object"
        case .timestamp: "<class 'datetime.datetime'>, timestamp string"
        case .document: "any"
        }
    }
}
