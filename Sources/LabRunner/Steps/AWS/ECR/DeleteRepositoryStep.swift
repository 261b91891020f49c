// `ecr.delete_repository`: DeleteRepository (force: true deletes its images too).
import Cloud
import Foundation

struct DeleteRepositoryStep: LabStep {
    static let kind = "ecr.delete_repository"
    static let summary = "DeleteRepository (force: true deletes its images too)."
    let name: Arg<String>, force: Arg<Bool>?

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("repositoryName")
        force = try arguments.optional("force")
    }

    func run(in context: StepContext) async throws -> LabValue {
        try context.cloud.ecr.deleteRepository(repositoryName: try context.resolve(name), force: try context.resolve(force, default: false))
        return Shape.object([("Deleted", .bool(true))])
    }
}
