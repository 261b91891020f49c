// `lambda.invoke`: Invoke with a JSON event: the response payload, FunctionError, and cold or warm start.
import Cloud
import Foundation

struct InvokeFunctionStep: LabStep {
    static let kind = "lambda.invoke"
    static let summary = "Invoke with a JSON event: the response payload, FunctionError, and cold or warm start."
    static let types = ["RequestResponse", "Event", "DryRun"]
    let name: Arg<String>, payload: Arg<LabValue>, type: Arg<String>?

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("FunctionName")
        payload = try arguments.required("Payload")
        type = try arguments.optional("InvocationType")
        if let t = type?.literal, !Self.types.contains(t) { throw LabError.unknown("InvocationType", t, at: type!.location, known: Self.types) }
    }

    func run(in context: StepContext) async throws -> LabValue {
        let event = try context.resolve(payload)
        let data = Data((event.string ?? event.jsonString).utf8)
        let written = try context.resolve(type, default: "RequestResponse")
        guard let kind = InvocationType(rawValue: written) else {
            throw LabError.unknown("InvocationType", written, at: type!.location, known: Self.types)
        }
        let function = try context.resolve(name)
        let output = try context.cloud.lambda.invoke(functionName: function, invocationType: kind, payload: data)
        context.noteFunctionWeights(function)
        var out = LabObject([("StatusCode", .int(output.statusCode)), ("ColdStart", .bool(output.coldStart)),
                             ("DurationSeconds", .number(output.duration))])
        if let initDuration = output.initDuration { out["InitDurationSeconds"] = .number(initDuration) }
        if let error = output.functionError { out["FunctionError"] = .string(error) }
        if let parsed = try? LabValue(json: output.payload) {
            out["Payload"] = parsed
            // An API-Gateway-style reply carries its JSON as text in `body`, as the notebooks json.loads it.
            if let body = parsed["body"]?.string, let inner = try? LabValue(json: Data(body.utf8)) { out["PayloadBody"] = inner }
        } else if !output.payload.isEmpty {
            out["PayloadBytes"] = .int(output.payload.count)
        }
        return .object(out)
    }
}
