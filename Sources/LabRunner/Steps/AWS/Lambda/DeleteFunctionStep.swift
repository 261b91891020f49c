// `lambda.delete_function`: DeleteFunction.
import Cloud

enum FunctionResource: DeletableResource {
    static let kind = "lambda.delete_function", operation = "DeleteFunction", noun = "function", member = "FunctionName"
    static func delete(_ name: String, in cloud: CloudEnvironment) throws { try cloud.lambda.deleteFunction(functionName: name) }
}
