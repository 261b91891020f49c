// `ecr.create_repository`: CreateRepository: returns the repositoryUri images are pushed to.
import Cloud
import Foundation

struct CreateRepositoryStep: LabStep {
    static let kind = "ecr.create_repository"
    static let summary = "CreateRepository: returns the repositoryUri images are pushed to."
    static let declaration = StepDeclaration(boto3: "ecr", "CreateRepository", parameters: ["repositoryName"],
                                             example: "repositoryName: yolov3-lambda")
    let name: Arg<String>

    init(arguments: inout StepArguments) throws { name = try arguments.required("repositoryName") }

    func run(in context: StepContext) async throws -> LabValue {
        LabValue(aws: try await context.call("ecr", "CreateRepository", ["repositoryName": .string(try context.resolve(name))]))
    }
}
