// `iam.detach_role_policy`: DetachRolePolicy.
import Cloud
import Foundation

struct DetachRolePolicyStep: LabStep {
    static let kind = "iam.detach_role_policy"
    static let summary = "DetachRolePolicy."
    static let declaration = StepDeclaration(
        boto3: "iam", "DetachRolePolicy", parameters: ["RoleName", "PolicyArn"],
        output: [OutputField("Detached", "true.")],
        example: """
            RoleName: lambda-yolo
            PolicyArn: arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
            """)
    let role: Arg<String>, policy: Arg<String>

    init(arguments: inout StepArguments) throws {
        role = try arguments.required("RoleName")
        policy = try arguments.required("PolicyArn")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let output: AWSValue = try await context.call("iam", "DetachRolePolicy", [
            "RoleName": .string(try context.resolve(role)), "PolicyArn": .string(try context.resolve(policy)),
        ])
        return LabValue(aws: output, adding: [("Detached", .bool(true))])
    }
}
