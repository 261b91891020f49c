// Lambda calls as steps: a container-image function and its invocations, reporting
// cold and warm starts as the serverless labs point out.
import Cloud
import Foundation

struct CreateFunctionStep: LabStep {
    static let kind = "lambda.create_function"
    static let summary = "CreateFunction from an ECR image (PackageType Image), with role, memory and timeout."
    let name: Arg<String>, role: Arg<String>, image: Arg<String>, memory: Arg<Int>?, timeout: Arg<Int>?

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("FunctionName")
        role = try arguments.required("Role")
        image = try arguments.required("ImageUri")
        memory = try arguments.optional("MemorySize")
        timeout = try arguments.optional("Timeout")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let input = CreateFunctionInput(functionName: try context.resolve(name), role: try context.resolve(role),
                                        code: FunctionCode(imageUri: try context.resolve(image)), packageType: .image,
                                        memorySize: try context.resolve(memory, default: 128), timeout: try context.resolve(timeout, default: 3))
        let f = try context.cloud.lambda.createFunction(input)
        return Shape.object([("FunctionName", .string(f.functionName)), ("FunctionArn", .string(f.functionArn)),
                             ("MemorySize", .int(f.memorySize)), ("Timeout", .int(f.timeout)), ("State", .string(f.state)),
                             ("PackageType", .string(f.packageType.rawValue))])
    }
}

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
        let kind = InvocationType(rawValue: try context.resolve(type, default: "RequestResponse")) ?? .requestResponse
        let output = try context.cloud.lambda.invoke(functionName: try context.resolve(name), invocationType: kind, payload: data)
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

struct DeleteFunctionStep: LabStep {
    static let kind = "lambda.delete_function"
    static let summary = "DeleteFunction."
    let name: Arg<String>

    init(arguments: inout StepArguments) throws { name = try arguments.required("FunctionName") }

    func run(in context: StepContext) async throws -> LabValue {
        try context.cloud.lambda.deleteFunction(functionName: try context.resolve(name))
        return Shape.object([("Deleted", .bool(true))])
    }
}
