// `lambda.invoke`: Invoke with a JSON event: the response payload, FunctionError, and cold or warm start.
import Cloud
import Foundation

struct InvokeFunctionStep: LabStep {
    static let kind = "lambda.invoke"
    static let summary = "Invoke with a JSON event: the response payload, FunctionError, and cold or warm start."
    static let declaration = StepDeclaration(
        boto3: "lambda", "Invoke", parameters: ["FunctionName", StepDeclaration.Parameter("Payload", .any, required: true),
                     StepDeclaration.Parameter("InvocationType", default: "RequestResponse")],
        output: [
            OutputField("StatusCode", "200, or 202 for an Event invoke."),
            OutputField("Payload", "The handler's reply, parsed when it is JSON."),
            OutputField("PayloadBody", "An API-Gateway-shaped reply's body, parsed."),
            OutputField("PayloadBytes", "A reply that is not JSON: its size."),
            OutputField("FunctionError", "Unhandled when the handler failed."),
            OutputField("ColdStart", "Whether this invoke started a new execution environment."),
            OutputField("DurationSeconds", "The REPORT line's duration."),
            OutputField("InitDurationSeconds", "On a cold start: the init duration."),
        ],
        includesAnswer: false,
        example: """
            FunctionName: yolo
            Payload: {body: "<base64 JPEG>"}
            """)
    static let types = ["RequestResponse", "Event", "DryRun"]
    let name: Arg<String>, payload: Arg<LabValue>, type: Arg<String>?

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("FunctionName")
        payload = try arguments.required("Payload")
        type = try arguments.optional("InvocationType")
        if let t = type?.literal, !Self.types.contains(t) { throw LabError.unknown("InvocationType", t, at: type!.location, known: Self.types) }
    }

    /// A synchronous call asks for the log tail (`LogType: Tail`), as a user who wants to
    /// know whether the call started cold reads it: the REPORT line has an Init Duration
    /// only when a new execution environment was initialized for the call.
    func run(in context: StepContext) async throws -> LabValue {
        let event = try context.resolve(payload)
        let data = Data((event.string ?? event.jsonString).utf8)
        let written = try context.resolve(type, default: "RequestResponse")
        guard Self.types.contains(written) else {
            throw LabError.unknown("InvocationType", written, at: type!.location, known: Self.types, koWhat: "InvocationType 값")
        }
        let function = try context.resolve(name)
        let synchronous = written == "RequestResponse"
        let output: AWSValue = try await context.call("lambda", "Invoke", .structure([
            ("FunctionName", .string(function)), ("InvocationType", .string(written)), ("Payload", .blob(data)),
            ("LogType", synchronous ? "Tail" : nil),
        ]))
        await context.noteFunctionWeights(function)
        var out = LabObject([("StatusCode", output["StatusCode"].map(LabValue.init(aws:)) ?? .null)])
        // Event and DryRun answer before the function runs: nothing to tell about its start.
        if let report = output["LogResult"]?.string.flatMap(Self.report) {
            out["ColdStart"] = .bool(report.initDuration != nil)
            out["DurationSeconds"] = .number(report.duration)
            if let initDuration = report.initDuration { out["InitDurationSeconds"] = .number(initDuration) }
        }
        if let error = output["FunctionError"]?.string { out["FunctionError"] = .string(error) }
        Self.addPayload(output["Payload"]?.data ?? Data(), to: &out)
        return .object(out)
    }

    /// The reply as `Payload`; an API-Gateway-style reply's `body`, JSON as text, also as
    /// `PayloadBody`, as the notebooks json.loads it. A reply that is not JSON is counted.
    static func addPayload(_ reply: Data, to out: inout LabObject) {
        if let parsed = try? LabValue(json: reply) {
            out["Payload"] = parsed
            if let body = parsed["body"]?.string, let inner = try? LabValue(json: Data(body.utf8)) { out["PayloadBody"] = inner }
        } else if !reply.isEmpty {
            out["PayloadBytes"] = .int(reply.count)
        }
    }

    /// The REPORT line of a base64 log tail: `Duration: 12.34 ms`, and `Init Duration: 850.48 ms`
    /// on a cold start, in seconds.
    static func report(_ logResult: String) -> (duration: Double, initDuration: Double?)? {
        guard let data = Data(base64Encoded: logResult), let text = String(data: data, encoding: .utf8),
              let line = text.split(separator: "\n").last(where: { $0.hasPrefix("REPORT ") }) else { return nil }
        var duration: Double?, initDuration: Double?
        for field in line.split(separator: "\t").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if let seconds = seconds(in: field, after: "Init Duration:") { initDuration = seconds }
            else if let seconds = seconds(in: field, after: "Duration:") { duration = seconds }
        }
        return duration.map { ($0, initDuration) }
    }

    /// `Duration: 0.52 ms` as seconds: "0.52e-3" reads as the double nearest 0.00052, which 0.52 / 1000 is not.
    private static func seconds(in field: String, after label: String) -> Double? {
        guard field.hasPrefix(label), field.hasSuffix(" ms") else { return nil }
        let number = field.dropFirst(label.count).dropLast(3).trimmingCharacters(in: .whitespaces)
        return Double(number) == nil ? nil : Double(number + "e-3")
    }
}
