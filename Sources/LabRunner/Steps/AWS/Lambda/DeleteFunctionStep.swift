// `lambda.delete_function`: DeleteFunction.
import Cloud
import Foundation

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
