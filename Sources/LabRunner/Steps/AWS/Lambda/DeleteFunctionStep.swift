// `lambda.delete_function`: DeleteFunction.

enum FunctionResource: DeletableResource {
    static let kind = "lambda.delete_function", operation = "DeleteFunction", noun = "function", member = "FunctionName", example = "yolo"
}
