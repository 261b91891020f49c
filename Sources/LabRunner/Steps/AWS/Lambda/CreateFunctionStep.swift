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
