// `ecr.set_repository_policy`: SetRepositoryPolicy: e.g. let lambda.amazonaws.com pull the image.
import Cloud
import Foundation

struct SetRepositoryPolicyStep: LabStep {
    static let kind = "ecr.set_repository_policy"
    static let summary = "SetRepositoryPolicy: e.g. let lambda.amazonaws.com pull the image."
    let name: Arg<String>, policy: Arg<LabValue>

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("repositoryName")
        policy = try arguments.required("policyText")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let text = try context.resolve(policy)
        let repository = try context.resolve(name)
        try context.cloud.ecr.setRepositoryPolicy(repositoryName: repository, policyText: text.string ?? text.jsonString)
        return Shape.object([("repositoryName", .string(repository)), ("policyText", .string(text.string ?? text.jsonString))])
    }
}
