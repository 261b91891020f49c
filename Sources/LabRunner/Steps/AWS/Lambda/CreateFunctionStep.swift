// `lambda.create_function`: CreateFunction from an ECR image (PackageType Image), with role, memory and timeout.
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

    /// Lambda's own defaults (128 MB, 3 s) apply to what the book leaves out.
    func run(in context: StepContext) async throws -> LabValue {
        let f: AWSValue = try await context.call("lambda", "CreateFunction", .structure([
            ("FunctionName", .string(try context.resolve(name))), ("Role", .string(try context.resolve(role))),
            ("Code", ["ImageUri": .string(try context.resolve(image))]), ("PackageType", "Image"),
            ("MemorySize", try memory.map { .int(try context.resolve($0)) }),
            ("Timeout", try timeout.map { .int(try context.resolve($0)) }),
        ]))
        return Shape.object(["FunctionName", "FunctionArn", "MemorySize", "Timeout", "State", "PackageType"].map {
            ($0, f[$0].map(LabValue.init(aws:)))
        })
    }
}
