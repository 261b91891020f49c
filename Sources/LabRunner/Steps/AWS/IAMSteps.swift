// IAM and STS calls as steps: the roles and policies the serverless labs set up.
// Policy documents may be written as YAML mappings; they are sent as JSON text.
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

struct GetCallerIdentityStep: LabStep {
    static let kind = "sts.get_caller_identity"
    static let summary = "GetCallerIdentity: the account, the caller's ARN and user id."

    init(arguments: inout StepArguments) throws {}

    func run(in context: StepContext) async throws -> LabValue {
        let identity = context.cloud.sts.getCallerIdentity()
        return Shape.object([("UserId", .string(identity.userId)), ("Account", .string(identity.account)), ("Arn", .string(identity.arn))])
    }
}
