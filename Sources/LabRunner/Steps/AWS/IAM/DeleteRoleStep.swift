// `iam.delete_role`: DeleteRole (DeleteConflict while policies are attached).
import Cloud
import Foundation

struct DeleteRoleStep: LabStep {
    static let kind = "iam.delete_role"
    static let summary = "DeleteRole (DeleteConflict while policies are attached)."
    let role: Arg<String>

    init(arguments: inout StepArguments) throws { role = try arguments.required("RoleName") }

    func run(in context: StepContext) async throws -> LabValue {
        try context.cloud.iam.deleteRole(roleName: try context.resolve(role))
        return Shape.object([("Deleted", .bool(true))])
    }
}
