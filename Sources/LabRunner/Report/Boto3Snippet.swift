// The boto3 a student would type for a step: its AWS calls as Python, with the parameters
// the step resolved, arguments in botocore's member order, operation names as boto3's
// xform_name spells them. Pasted into a notebook, it runs against AWS or `labbook serve`.
// Payloads too long to read (a video, a base64 photo) are `...` with a comment saying what.
import AWSShapes
import Foundation

/// One AWS call a step made.
public struct RecordedCall: Sendable, Equatable {
    public var service: String
    public var operation: String
    public var parameters: AWSValue
}

/// A step's boto3 in its own words: one client and its lines (a waiter rather than its polls).
public struct Boto3Lines: Sendable, Equatable, Codable {
    public var service: String
    public var lines: [String]
}

struct Boto3Snippet {
    static let width = 88
    static let longestLiteral = 160
    static let shownCalls = 6

    /// The snippet for `calls` (or the step's own `lines`, a waiter say), or nil when there
    /// are none. Repeats of one call are shown once with their count. A client is created
    /// in the first snippet that uses it; later ones reuse it, as notebook cells do.
    static func python(_ calls: [RecordedCall], own: Boto3Lines? = nil, introduced: inout Set<String>) -> String? {
        let body: [String]
        let services: [String]
        if let own {
            (body, services) = (own.lines, [own.service])
        } else {
            guard !calls.isEmpty else { return nil }
            (body, services) = Self.body(calls)
        }
        var head: [String] = []
        let text = body.joined(separator: "\n")
        if introduced.isEmpty { head.append("import boto3") }
        if text.contains("datetime."), !introduced.contains("datetime") {
            head.append("import datetime")
            introduced.insert("datetime")
        }
        for service in services where !introduced.contains(service) {
            head.append("\(variable(service)) = boto3.client(\(PythonLiteral.string(service)))")
            introduced.insert(service)
        }
        return (head + (head.isEmpty ? [] : [""]) + body).joined(separator: "\n")
    }

    private static func body(_ calls: [RecordedCall]) -> (lines: [String], services: [String]) {
        var runs: [(call: RecordedCall, count: Int)] = []
        for call in calls {
            if let last = runs.last, last.call.service == call.service, last.call.operation == call.operation,
               last.call.parameters == call.parameters {
                runs[runs.count - 1].count += 1
            } else {
                runs.append((call, 1))
            }
        }
        var shown = runs
        if runs.count > shownCalls { shown = Array(runs.prefix(shownCalls - 1)) + [runs[runs.count - 1]] }
        var lines: [String] = []
        for (index, run) in shown.enumerated() {
            if runs.count > shownCalls, index == shownCalls - 1 {
                lines.append("# … \(runs.count - shownCalls) more calls like these …")
            }
            lines.append(contentsOf: Self.call(run.call, count: run.count))
        }
        var services: [String] = []
        for call in shown.map(\.call) where !services.contains(call.service) { services.append(call.service) }
        return (lines, services)
    }

    /// `client.operation(Arg=value, ...)`, one argument per line when it does not fit on one.
    private static func call(_ call: RecordedCall, count: Int) -> [String] {
        let model = ServiceModel.named(call.service)
        let shape = model?.operations[call.operation]?.input.flatMap { model?.shapes[$0] }
        let arguments = PythonLiteral.orderedEntries(call.parameters.entries ?? [:], shape: shape).map { ($0.key, $0.value) }
        let repeated = count > 1 ? ["# the same call \(count) times"] : []
        return repeated + invocation("\(variable(call.service)).\(xformName(call.operation))", arguments, model: model, shape: shape)
    }

    /// `callee(Arg=value, ...)` on one line when it fits, else one argument per line.
    static func invocation(_ callee: String, _ arguments: [(String, AWSValue)], model: ServiceModel? = nil,
                           shape: AWSShapes.Shape? = nil) -> [String] {
        let literal = PythonLiteral(model: model)
        let rendered = arguments.map { name, value in
            (name, literal.render(value, shape: shape?.member(named: name).flatMap { model?.shapes[$0.shape] }, indent: 1))
        }
        let inline = "\(callee)(" + rendered.map { "\($0.0)=\($0.1.text)" }.joined(separator: ", ") + ")"
        if inline.count <= width, !inline.contains("\n"), rendered.allSatisfy({ $0.1.note == nil }) { return [inline] }
        var lines = ["\(callee)("]
        for (name, value) in rendered {
            lines.append("    \(name)=\(value.text)," + (value.note.map { "  # \($0)" } ?? ""))
        }
        return lines + [")"]
    }

    /// The client's variable: `runtime` for sagemaker-runtime, as the notebooks name it.
    static func variable(_ service: String) -> String {
        switch service {
        case "sagemaker-runtime": "runtime"
        case "application-autoscaling": "autoscaling"
        case "lambda": "lambda_client"
        default: service.replacingOccurrences(of: "-", with: "_")
        }
    }

    /// botocore's xform_name: CreateEndpointConfig → create_endpoint_config, ListObjectsV2 → list_objects_v2.
    static func xformName(_ name: String) -> String {
        let characters = Array(name)
        var out = ""
        for (i, c) in characters.enumerated() {
            let previous = i > 0 ? characters[i - 1] : nil
            let next = i + 1 < characters.count ? characters[i + 1] : nil
            if c.isUppercase, let previous,
               previous.isLowercase || previous.isNumber || (previous.isUppercase && (next?.isLowercase ?? false)) {
                out.append("_")
            }
            out.append(contentsOf: String(c).lowercased())
        }
        return out
    }
}
