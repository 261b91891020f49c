// `ecr.set_repository_policy`: SetRepositoryPolicy: e.g. let lambda.amazonaws.com pull the image.
import Cloud
import Foundation

struct SetRepositoryPolicyStep: LabStep {
    static let kind = "ecr.set_repository_policy"
    static let summary = "SetRepositoryPolicy: e.g. let lambda.amazonaws.com pull the image."
    static let declaration = StepDeclaration(
        boto3: "ecr", "SetRepositoryPolicy", parameters: ["repositoryName", StepDeclaration.Parameter("policyText", .any)],
        example: """
            repositoryName: yolov3-lambda
            policyText:
              Version: "2012-10-17"
              Statement:
                - {Sid: LambdaPull, Effect: Allow, Principal: {Service: lambda.amazonaws.com},
                   Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}
            """)
    let name: Arg<String>, policy: Arg<LabValue>

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("repositoryName")
        policy = try arguments.required("policyText")
    }

    /// boto3 takes the policy as JSON text; a book may write it as a mapping.
    func run(in context: StepContext) async throws -> LabValue {
        let text = try context.resolve(policy)
        return LabValue(aws: try await context.call("ecr", "SetRepositoryPolicy", [
            "repositoryName": .string(try context.resolve(name)), "policyText": .string(text.string ?? text.jsonString),
        ]))
    }
}
