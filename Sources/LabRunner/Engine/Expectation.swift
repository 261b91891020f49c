// `expect` clauses: what a step's output must satisfy for the lab to pass.
//
//   expect:
//     - path: $.EndpointStatus      # a path into the step's output ($ is the whole output)
//       equals: InService
//     - {path: $.score, approx: 0.93, abs: 0.01}      # or rel: 0.05
//     - {path: $.count, greater: 3}                    # also less, at-least, at-most
//     - {path: $.summary, contains: "요약"}             # also regex: "^[A-Z]"
//     - {path: $.items, count: 10}
//     - {image: $.figure, size: [960, 540], like: ref.png, tolerance: 0.05}
//     - {path: "$.Lines[*].predicted_label", each: {regex: "^(Pos|Neg)$"}}   # every element
//     - {path: "$.Json[*].label", any: {equals: motorbike}}                   # at least one
import Foundation

public struct Expectation: Sendable {
    public enum Check: Sendable {
        case equals(BookNode)
        case approx(BookNode, absolute: Double?, relative: Double?)
        case greater(BookNode), less(BookNode), atLeast(BookNode), atMost(BookNode)
        case contains(BookNode)
        case regex(BookNode)
        case count(BookNode)
        case image(size: [Int]?, reference: BookNode?, tolerance: Double)
        /// The inner check on every element of a list; a miss names each failing index.
        indirect case each(Check)
        /// The inner check on at least one element of a list.
        indirect case any(Check)
    }

    public var path: ValuePath
    public var check: Check
    public var location: SourceLocation

    static let operators = ["equals", "approx", "greater", "less", "at-least", "at-most", "contains", "regex", "count",
                            "each", "any"]
    static let modifiers = ["path", "abs", "rel", "image", "size", "like", "tolerance"]

    /// Reads one clause.
    static func parse(_ node: BookNode) throws -> Expectation {
        guard let pairs = node.pairs else {
            throw LabError(node.location, "an expectation is a mapping such as {path: $.status, equals: InService}")
        }
        for pair in pairs where !(operators + modifiers).contains(pair.key) {
            throw LabError.unknown("expectation key", pair.key, at: pair.keyLocation, known: operators + modifiers)
        }
        if node["image"] != nil { return try parseImage(node) }
        let present = pairs.filter { operators.contains($0.key) }
        guard present.count == 1, let op = present.first else {
            throw LabError(node.location, present.isEmpty
                ? "an expectation needs one of: \(operators.joined(separator: ", "))"
                : "an expectation has one check; found \(present.map(\.key).joined(separator: " and "))")
        }
        let path = try parsePath(node["path"], default: "$")
        if op.key == "each" || op.key == "any" {
            return Expectation(path: path, check: try elementwise(op.key, op.value), location: op.keyLocation)
        }
        for key in ["abs", "rel"] where node[key] != nil && op.key != "approx" {
            throw LabError(node[key]!.location, "'\(key)' only goes with 'approx'")
        }
        for key in ["size", "like", "tolerance"] where node[key] != nil {
            throw LabError(node[key]!.location, "'\(key)' only goes with 'image'")
        }
        try TemplateScanner.check(op.value)
        return Expectation(path: path, check: try check(op.key, op.value, node), location: op.keyLocation)
    }

    /// `each: {regex: …}` / `any: {equals: …}`: one check (with its abs/rel) for the elements.
    private static func elementwise(_ op: String, _ inner: BookNode) throws -> Check {
        let innerOperators = operators.filter { $0 != "each" && $0 != "any" }
        guard let pairs = inner.pairs else {
            throw LabError(inner.location, "'\(op)' takes one check for the elements, such as {\(op): {regex: \"^Pos$\"}}")
        }
        for pair in pairs where !(innerOperators + ["abs", "rel"]).contains(pair.key) {
            throw LabError.unknown("'\(op)' check", pair.key, at: pair.keyLocation, known: innerOperators + ["abs", "rel"])
        }
        let present = pairs.filter { innerOperators.contains($0.key) }
        guard present.count == 1, let check = present.first else {
            throw LabError(inner.location, "'\(op)' takes exactly one check of: \(innerOperators.joined(separator: ", "))")
        }
        for key in ["abs", "rel"] where inner[key] != nil && check.key != "approx" {
            throw LabError(inner[key]!.location, "'\(key)' only goes with 'approx'")
        }
        try TemplateScanner.check(check.value)
        let parsed = try self.check(check.key, check.value, inner)
        return op == "each" ? .each(parsed) : .any(parsed)
    }

    private static func check(_ op: String, _ value: BookNode, _ node: BookNode) throws -> Check {
        switch op {
        case "equals": return .equals(value)
        case "approx":
            let abs = try number(node["abs"], "abs"), rel = try number(node["rel"], "rel")
            if abs == nil, rel == nil { throw LabError(value.location, "'approx' needs a tolerance: abs: or rel:") }
            return .approx(value, absolute: abs, relative: rel)
        case "greater": return .greater(value)
        case "less": return .less(value)
        case "at-least": return .atLeast(value)
        case "at-most": return .atMost(value)
        case "contains": return .contains(value)
        case "count": return .count(value)
        default:
            guard let pattern = value.scalar?.string else { throw LabError(value.location, "'regex' must be a string") }
            if !pattern.contains("${") {  // a pattern with references is checked when it is resolved
                do { _ = try NSRegularExpression(pattern: pattern) } catch {
                    throw LabError(value.location, "'regex' is not a valid regular expression: \(pattern)")
                }
            }
            return .regex(value)
        }
    }

    private static func parseImage(_ node: BookNode) throws -> Expectation {
        let path = try parsePath(node["image"], default: "$")
        for op in operators where node[op] != nil {
            throw LabError(node[op]!.location, "an image expectation takes size:, like: and tolerance:, not '\(op)'")
        }
        var size: [Int]?
        if let sizeNode = node["size"] {
            guard let s = [Int].convert(sizeNode.value), s.count == 2, s.allSatisfy({ $0 > 0 }) else {
                throw LabError(sizeNode.location, "'size' is [width, height] in pixels")
            }
            size = s
        }
        let reference = node["like"]
        if let reference, reference.scalar?.string == nil { throw LabError(reference.location, "'like' is the path of a reference PNG") }
        if let reference { try TemplateScanner.check(reference) }
        let tolerance = try number(node["tolerance"], "tolerance") ?? 0.05
        guard size != nil || reference != nil else {
            throw LabError(node.location, "an image expectation needs size: or like:")
        }
        return Expectation(path: path, check: .image(size: size, reference: reference, tolerance: tolerance),
                           location: node.location)
    }

    private static func parsePath(_ node: BookNode?, default: String) throws -> ValuePath {
        guard let node else { return try ValuePath(parsing: `default`) }
        guard let text = node.scalar?.string else { throw LabError(node.location, "'path' must be a string such as $.items[0].score") }
        do { return try ValuePath(parsing: text) } catch let error as PathError {
            throw LabError(node.location, "bad path: \(error)")
        }
    }

    private static func number(_ node: BookNode?, _ key: String) throws -> Double? {
        guard let node else { return nil }
        guard let value = node.scalar?.double, value >= 0 else {
            throw LabError(node.location, "'\(key)' must be a non-negative number")
        }
        return value
    }
}
