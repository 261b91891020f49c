// `ecr.delete_repository`: DeleteRepository (force: true deletes its images too).
import Cloud
import Foundation

struct DeleteRepositoryStep: LabStep {
    static let kind = "ecr.delete_repository"
    static let summary = "DeleteRepository (force: true deletes its images too)."
    static let declaration = StepDeclaration(
        boto3: "ecr", "DeleteRepository", parameters: ["repositoryName", "force"],
        output: [OutputField("Deleted", "true.")],
        example: """
            repositoryName: yolov3-lambda
            force: true
            """)
    let name: Arg<String>, force: Arg<Bool>?

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("repositoryName")
        force = try arguments.optional("force")
    }

    func run(in context: StepContext) async throws -> LabValue {
        var parameters: [String: AWSValue] = ["repositoryName": .string(try context.resolve(name))]
        if let force { parameters["force"] = .bool(try context.resolve(force)) }
        let output = try await context.call("ecr", "DeleteRepository", .map(parameters))
        return LabValue(aws: output, adding: [("Deleted", .bool(true))])
    }
}
