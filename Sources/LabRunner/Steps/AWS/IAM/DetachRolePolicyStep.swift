// `iam.detach_role_policy`: DetachRolePolicy.
import Cloud
import Foundation

struct DetachRolePolicyStep: LabStep {
    static let kind = "iam.detach_role_policy"
    static let summary = "DetachRolePolicy."
    let role: Arg<String>, policy: Arg<String>

    init(arguments: inout StepArguments) throws {
        role = try arguments.required("RoleName")
        policy = try arguments.required("PolicyArn")
    }

    func run(in context: StepContext) async throws -> LabValue {
        try context.cloud.iam.detachRolePolicy(roleName: try context.resolve(role), policyArn: try context.resolve(policy))
        return Shape.object([("Detached", .bool(true))])
    }
}
