// `iam.delete_role`: DeleteRole (DeleteConflict while policies are attached).
import Cloud

enum RoleResource: DeletableResource {
    static let kind = "iam.delete_role", operation = "DeleteRole", noun = "role (DeleteConflict while policies are attached)"
    static let member = "RoleName"
    static func delete(_ name: String, in cloud: CloudEnvironment) throws { try cloud.iam.deleteRole(roleName: name) }
}
