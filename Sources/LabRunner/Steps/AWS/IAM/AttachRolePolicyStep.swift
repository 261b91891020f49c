// `iam.attach_role_policy`: AttachRolePolicy: a managed policy ARN onto a role.
import Cloud
import Foundation

struct AttachRolePolicyStep: LabStep {
    static let kind = "iam.attach_role_policy"
    static let summary = "AttachRolePolicy: a managed policy ARN onto a role."
    let role: Arg<String>, policy: Arg<String>

    init(arguments: inout StepArguments) throws {
        role = try arguments.required("RoleName")
        policy = try arguments.required("PolicyArn")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let name = try context.resolve(role)
        try context.cloud.iam.attachRolePolicy(roleName: name, policyArn: try context.resolve(policy))
        return Shape.object([("AttachedPolicies", .list(try context.cloud.iam.listAttachedRolePolicies(roleName: name)
            .map { Shape.object([("PolicyName", .string($0.policyName)), ("PolicyArn", .string($0.policyArn))]) }))])
    }
}
