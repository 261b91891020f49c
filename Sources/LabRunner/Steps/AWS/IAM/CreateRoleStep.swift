// `iam.create_role`: CreateRole with an AssumeRolePolicyDocument (a mapping or JSON text).
import Cloud
import Foundation

struct CreateRoleStep: LabStep {
    static let kind = "iam.create_role"
    static let summary = "CreateRole with an AssumeRolePolicyDocument (a mapping or JSON text)."
    let name: Arg<String>, trust: Arg<LabValue>, description: Arg<String>?

    init(arguments: inout StepArguments) throws {
        name = try arguments.required("RoleName")
        trust = try arguments.required("AssumeRolePolicyDocument")
        description = try arguments.optional("Description")
    }

    func run(in context: StepContext) async throws -> LabValue {
        let document = try context.resolve(trust)
        let role = try context.cloud.iam.createRole(roleName: try context.resolve(name),
                                                    assumeRolePolicyDocument: document.string ?? document.jsonString,
                                                    description: try description.map(context.resolve))
        return Shape.object([("Role", Shape.object([
            ("RoleName", .string(role.roleName)), ("RoleId", .string(role.roleId)), ("Arn", .string(role.arn)),
            ("Path", .string(role.path)), ("CreateDate", Shape.date(role.createDate)),
        ]))])
    }
}
