// Checks one expectation against a step's output. A miss names the step, the path,
// what was expected and what was found.
import Foundation

enum ExpectationEvaluator {
    static func failure(of expectation: Expectation, output: LabValue, context: StepContext) -> String? {
        let prefix = "\(expectation.location): step '\(context.stepID)': \(expectation.path)"
        do {
            let actual = try expectation.path.lookup(in: output)
            guard let problem = try check(expectation.check, actual: actual, context: context) else { return nil }
            return "\(prefix): \(problem)"
        } catch let error as PathError {
            return "\(prefix): \(error.message) (at \(error.path))"
        } catch let error as LabError {
            return "\(prefix): \(error.message)"
        } catch {
            return "\(prefix): \(error)"
        }
    }

    /// nil when the check holds; otherwise "expected ..., actual ...".
    private static func check(_ check: Expectation.Check, actual: LabValue, context: StepContext) throws -> String? {
        func expected(_ node: BookNode) throws -> LabValue { try context.resolveValue(node) }
        func miss(_ what: String) -> String { "expected \(what), actual \(actual.jsonString.prefix(200))" }
        func number(_ node: BookNode) throws -> Double {
            let value = try expected(node)
            guard let d = value.double else { throw LabError(node.location, "expected a number to compare with, found \(value.jsonString)") }
            return d
        }
        switch check {
        case let .equals(node):
            let want = try expected(node)
            return same(want, actual) ? nil : miss(want.jsonString)
        case let .approx(node, absolute, relative):
            let want = try number(node)
            guard let got = actual.double else { return miss("a number ≈ \(want)") }
            let tolerance = max(absolute ?? 0, (relative ?? 0) * abs(want))
            return abs(got - want) <= tolerance ? nil : miss("≈ \(want) (±\(tolerance)); off by \(abs(got - want))")
        case let .greater(node): return try compare(actual, try number(node), ">", miss) { $0 > $1 }
        case let .less(node): return try compare(actual, try number(node), "<", miss) { $0 < $1 }
        case let .atLeast(node): return try compare(actual, try number(node), "≥", miss) { $0 >= $1 }
        case let .atMost(node): return try compare(actual, try number(node), "≤", miss) { $0 <= $1 }
        case let .contains(node):
            let want = try expected(node)
            switch actual {
            case let .string(s): return s.contains(want.displayString) ? nil : miss("text containing \(want.jsonString)")
            case let .list(items): return items.contains(where: { same($0, want) }) ? nil : miss("a list containing \(want.jsonString)")
            case let .object(o): return o[want.displayString] != nil ? nil : miss("a mapping with key \(want.jsonString)")
            default: return miss("text, a list or a mapping containing \(want.jsonString)")
            }
        case let .regex(node):
            let pattern = try expected(node).displayString
            guard let s = actual.string ?? (actual.isScalar ? actual.displayString : nil) else { return miss("text matching /\(pattern)/") }
            guard let regex = try? NSRegularExpression(pattern: pattern) else {
                throw LabError(node.location, "'regex' is not a valid regular expression: \(pattern)")
            }
            let found = regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
            return found ? nil : miss("text matching /\(pattern)/")
        case let .count(node):
            let value = try expected(node)
            guard let want = value.int, want >= 0 else {
                throw LabError(node.location, "'count' is a whole number of items, found \(value.jsonString)")
            }
            let got: Int? = switch actual {
            case let .list(l): l.count
            case let .object(o): o.keys.count
            case let .string(s): s.count
            default: nil
            }
            guard let got else { return miss("a list of \(want) items") }
            return got == want ? nil : "expected \(want) items, actual \(got)"
        case let .image(size, reference, tolerance):
            guard let path = actual.string else { return miss("the path of a PNG file") }
            let like = try reference.map { try expected($0).displayString }
            return try ImageExpectation.check(path: path, size: size, reference: like, tolerance: tolerance, context: context)
        }
    }

    private static func compare(_ actual: LabValue, _ bound: Double, _ symbol: String, _ miss: (String) -> String,
                                _ holds: (Double, Double) -> Bool) throws -> String? {
        guard let got = actual.double else { return miss("a number \(symbol) \(bound)") }
        return holds(got, bound) ? nil : miss("\(symbol) \(LabValue.format(number: bound))")
    }

    /// Equality that does not care whether a whole number was written as 3 or 3.0.
    static func same(_ a: LabValue, _ b: LabValue) -> Bool {
        switch (a, b) {
        case (.int, .number), (.number, .int): return a.double == b.double
        case let (.list(x), .list(y)): return x.count == y.count && zip(x, y).allSatisfy(same)
        case let (.object(x), .object(y)):
            return Set(x.keys) == Set(y.keys) && x.keys.allSatisfy { same(x[$0]!, y[$0]!) }
        default: return a == b
        }
    }
}
