// `iam.delete_role`: DeleteRole (DeleteConflict while policies are attached).
enum RoleResource: DeletableResource {
    static let kind = "iam.delete_role", operation = "DeleteRole", noun = "role (DeleteConflict while policies are attached)"
    static let member = "RoleName", example = "lambda-yolo"
}
