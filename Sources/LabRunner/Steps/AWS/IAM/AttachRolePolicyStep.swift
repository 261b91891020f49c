// `iam.attach_role_policy`: AttachRolePolicy: a managed policy ARN onto a role.
import Cloud
import Foundation

struct AttachRolePolicyStep: LabStep {
    static let kind = "iam.attach_role_policy"
    static let summary = "AttachRolePolicy: a managed policy ARN onto a role."
    static let declaration = StepDeclaration(
        boto3: "iam", "AttachRolePolicy", parameters: ["RoleName", "PolicyArn"],
        example: """
            RoleName: lambda-yolo
            PolicyArn: arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
            """)
    let role: Arg<String>, policy: Arg<String>

    init(arguments: inout StepArguments) throws {
        role = try arguments.required("RoleName")
        policy = try arguments.required("PolicyArn")
    }

    /// AttachRolePolicy answers nothing; the step shows what the role now has
    /// (ListAttachedRolePolicies, every page).
    func run(in context: StepContext) async throws -> LabValue {
        let name = AWSValue.string(try context.resolve(role))
        _ = try await context.call("iam", "AttachRolePolicy", ["RoleName": name, "PolicyArn": .string(try context.resolve(policy))])
        let (attached, _) = try await context.callPages("iam", "ListAttachedRolePolicies", ["RoleName": name],
                                                        token: ("Marker", "Marker"), items: "AttachedPolicies")
        return Shape.object([("AttachedPolicies", .list(attached.map(LabValue.init(aws:))))])
    }
}
