// Checks one expectation against a step's output. A miss names the step, the path,
// what was expected and what was found, in English for the terminal and JUnit and in
// the handout's language for the handout.
import Foundation

/// A message in both of labbook's languages.
struct Bilingual: Equatable {
    var en: String
    var ko: String

    init(_ en: String, _ ko: String) {
        self.en = en
        self.ko = ko
    }

    init(_ both: String) { self.init(both, both) }

    func text(_ language: Language) -> String { language == .ko ? ko : en }
}

enum ExpectationEvaluator {
    static func failure(of expectation: Expectation, output: LabValue, context: StepContext) -> Bilingual? {
        let at = "\(expectation.location): "
        let prefix = Bilingual(at + "step '\(context.stepID)': \(expectation.path)", at + "단계 '\(context.stepID)': \(expectation.path)")
        func joined(_ problem: Bilingual) -> Bilingual { Bilingual("\(prefix.en): \(problem.en)", "\(prefix.ko): \(problem.ko)") }
        do {
            let actual = try expectation.path.lookup(in: output)
            guard let problem = try check(expectation.check, actual: actual, context: context) else { return nil }
            return joined(problem)
        } catch let error as PathError {
            return joined(Bilingual("\(error.message) (at \(error.path))", "\(error.koMessage) (위치: \(error.path))"))
        } catch let error as LabError {
            return joined(Bilingual(error.message, error.ko ?? error.message))
        } catch {
            return joined(Bilingual("\(error)", "확인하는 중 오류가 났습니다. 원래 메시지: \(error)"))
        }
    }

    /// nil when the check holds; otherwise "expected ..., actual ...".
    private static func check(_ check: Expectation.Check, actual: LabValue, context: StepContext) throws -> Bilingual? {
        func expected(_ node: BookNode) throws -> LabValue { try context.resolveValue(node) }
        let found = actual.jsonPrefix(200)
        func miss(_ en: String, _ ko: String? = nil) -> Bilingual {
            Bilingual("expected \(en), actual \(found)", "기대한 값: \(ko ?? en), 실제 값: \(found)")
        }
        func number(_ node: BookNode) throws -> Double {
            let value = try expected(node)
            guard let d = value.double else {
                throw LabError(node.location, "expected a number to compare with, found \(value.jsonString)",
                               ko: "비교할 숫자가 와야 하는데 \(value.jsonString)입니다")
            }
            return d
        }
        switch check {
        case let .equals(node):
            let want = try expected(node)
            return same(want, actual) ? nil : miss(want.jsonString, nil)
        case let .approx(node, absolute, relative):
            let want = try number(node)
            guard let got = actual.double else { return miss("a number ≈ \(want)", "≈ \(want)인 숫자") }
            let tolerance = max(absolute ?? 0, (relative ?? 0) * abs(want))
            return abs(got - want) <= tolerance ? nil
                : miss("≈ \(want) (±\(tolerance)); off by \(abs(got - want))", "≈ \(want) (±\(tolerance)), 차이 \(abs(got - want))")
        case let .greater(node): return try compare(actual, try number(node), ">", miss) { $0 > $1 }
        case let .less(node): return try compare(actual, try number(node), "<", miss) { $0 < $1 }
        case let .atLeast(node): return try compare(actual, try number(node), "≥", miss) { $0 >= $1 }
        case let .atMost(node): return try compare(actual, try number(node), "≤", miss) { $0 <= $1 }
        case let .contains(node):
            let want = try expected(node)
            switch actual {
            case let .string(s):
                return s.contains(want.displayString) ? nil : miss("text containing \(want.jsonString)", "\(want.jsonString)를 포함한 텍스트")
            case let .list(items):
                return items.contains(where: { same($0, want) }) ? nil
                    : miss("a list containing \(want.jsonString)", "\(want.jsonString)를 포함한 리스트")
            case let .object(o):
                return o[want.displayString] != nil ? nil : miss("a mapping with key \(want.jsonString)", "키 \(want.jsonString)가 있는 매핑")
            default:
                return miss("text, a list or a mapping containing \(want.jsonString)", "\(want.jsonString)를 포함한 텍스트, 리스트 또는 매핑")
            }
        case let .regex(node):
            let pattern = try expected(node).displayString
            guard let s = actual.string ?? (actual.isScalar ? actual.displayString : nil) else {
                return miss("text matching /\(pattern)/", "/\(pattern)/에 맞는 텍스트")
            }
            guard let regex = try? NSRegularExpression(pattern: pattern) else {
                throw LabError(node.location, "'regex' is not a valid regular expression: \(pattern)",
                               ko: "'regex'가 올바른 정규 표현식이 아닙니다: \(pattern)")
            }
            let found = regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
            return found ? nil : miss("text matching /\(pattern)/", "/\(pattern)/에 맞는 텍스트")
        case let .count(node):
            let value = try expected(node)
            guard let want = value.int, want >= 0 else {
                throw LabError(node.location, "'count' is a whole number of items, found \(value.jsonString)",
                               ko: "'count'에는 항목 수(0 이상의 정수)가 와야 하는데 \(value.jsonString)입니다")
            }
            let got: Int? = switch actual {
            case let .list(l): l.count
            case let .object(o): o.keys.count
            case let .string(s): s.count
            default: nil
            }
            guard let got else { return miss("a list of \(want) items", "항목 \(want)개인 리스트") }
            return got == want ? nil : Bilingual("expected \(want) items, actual \(got)", "기대한 항목 수: \(want)개, 실제: \(got)개")
        case let .each(inner):
            guard case .list(let items) = actual else { return miss("a list whose every element passes", "모든 원소가 통과하는 리스트") }
            var failing: [(Int, Bilingual)] = []
            for (index, item) in items.enumerated() {
                if let problem = try Self.check(inner, actual: item, context: context) { failing.append((index, problem)) }
            }
            guard !failing.isEmpty else { return nil }
            let shown = failing.prefix(5)
            let more = failing.count > 5 ? Bilingual("; and \(failing.count - 5) more", "; 외 \(failing.count - 5)개") : Bilingual("")
            return Bilingual(
                "\(failing.count) of \(items.count) elements fail: " + shown.map { "[\($0.0)] \($0.1.en)" }.joined(separator: "; ") + more.en,
                "원소 \(items.count)개 중 \(failing.count)개가 통과하지 못했습니다: " + shown.map { "[\($0.0)] \($0.1.ko)" }.joined(separator: "; ") + more.ko)
        case let .any(inner):
            guard case .list(let items) = actual else { return miss("a list with an element that passes", "통과하는 원소가 있는 리스트") }
            var first: Bilingual?
            for item in items {
                guard let problem = try Self.check(inner, actual: item, context: context) else { return nil }
                first = first ?? problem
            }
            return Bilingual("no element of \(items.count) passes" + (first.map { "; the first: \($0.en)" } ?? ""),
                             "원소 \(items.count)개 중 통과하는 것이 없습니다" + (first.map { "; 첫 원소: \($0.ko)" } ?? ""))
        case let .image(size, reference, tolerance):
            guard let path = actual.string else { return miss("the path of a PNG file", "PNG 파일 경로") }
            let like = try reference.map { try expected($0).displayString }
            return try ImageExpectation.check(path: path, size: size, reference: like, tolerance: tolerance, context: context)
        }
    }

    private static func compare(_ actual: LabValue, _ bound: Double, _ symbol: String, _ miss: (String, String?) -> Bilingual,
                                _ holds: (Double, Double) -> Bool) throws -> Bilingual? {
        guard let got = actual.double else { return miss("a number \(symbol) \(bound)", "\(symbol) \(bound)인 숫자") }
        return holds(got, bound) ? nil : miss("\(symbol) \(LabValue.number(bound).splicedText)", nil)
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
