// AWS IAM's role operations as boto3 calls them (botocore model iam/2010-05-08), onto `IAM`.
// Lists page by MaxItems (default 100) and Marker, with IsTruncated, as IAM's do.
import AWSShapes
import Foundation

enum IAMOperations {
    static let handlers: [String: OperationHandler] = [
        "CreateRole": { cloud, input in try createRole(cloud.iam, Parameters(input, service: "iam")) },
        "GetRole": { cloud, input in
            ["Role": role(try cloud.iam.getRole(roleName: try Parameters(input, service: "iam").string("RoleName")))]
        },
        "ListRoles": { cloud, input in
            let p = Parameters(input, service: "iam")
            let prefix = p.optionalString("PathPrefix") ?? "/"
            return try list(cloud.iam.listRoles().filter { $0.path.hasPrefix(prefix) }, as: "Roles", p, role)
        },
        "DeleteRole": { cloud, input in
            try cloud.iam.deleteRole(roleName: try Parameters(input, service: "iam").string("RoleName"))
            return .empty
        },
        "AttachRolePolicy": { cloud, input in
            let p = Parameters(input, service: "iam")
            try cloud.iam.attachRolePolicy(roleName: try p.string("RoleName"), policyArn: try p.string("PolicyArn"))
            return .empty
        },
        "DetachRolePolicy": { cloud, input in
            let p = Parameters(input, service: "iam")
            try cloud.iam.detachRolePolicy(roleName: try p.string("RoleName"), policyArn: try p.string("PolicyArn"))
            return .empty
        },
        "ListAttachedRolePolicies": { cloud, input in
            try listAttachedPolicies(cloud.iam, Parameters(input, service: "iam"))
        },
        "PutRolePolicy": { cloud, input in
            let p = Parameters(input, service: "iam")
            try cloud.iam.putRolePolicy(roleName: try p.string("RoleName"), policyName: try p.string("PolicyName"),
                                        policyDocument: try p.string("PolicyDocument"))
            return .empty
        },
        "GetRolePolicy": { cloud, input in try getRolePolicy(cloud.iam, Parameters(input, service: "iam")) },
        "ListRolePolicies": { cloud, input in
            let p = Parameters(input, service: "iam")
            return try list(cloud.iam.listRolePolicies(roleName: try p.string("RoleName")), as: "PolicyNames", p, AWSValue.string)
        },
        "DeleteRolePolicy": { cloud, input in
            let p = Parameters(input, service: "iam")
            try cloud.iam.deleteRolePolicy(roleName: try p.string("RoleName"), policyName: try p.string("PolicyName"))
            return .empty
        },
    ]

    /// Tags and PermissionsBoundary are accepted and not kept: `IAM` records permissions
    /// without enforcing them, and no emulated operation reads tags back.
    private static func createRole(_ iam: IAM, _ p: Parameters) throws -> AWSValue {
        let created = try iam.createRole(
            roleName: try p.string("RoleName"), assumeRolePolicyDocument: try p.string("AssumeRolePolicyDocument"),
            path: p.optionalString("Path") ?? "/", description: p.optionalString("Description"),
            maxSessionDuration: p.optionalInt("MaxSessionDuration") ?? 3600)
        return ["Role": role(created)]
    }

    private static func listAttachedPolicies(_ iam: IAM, _ p: Parameters) throws -> AWSValue {
        let prefix = p.optionalString("PathPrefix") ?? "/"
        let attached = try iam.listAttachedRolePolicies(roleName: try p.string("RoleName")).filter {
            policyPath($0.policyArn).hasPrefix(prefix)
        }
        return try list(attached, as: "AttachedPolicies", p) {
            ["PolicyName": .string($0.policyName), "PolicyArn": .string($0.policyArn)]
        }
    }

    private static func getRolePolicy(_ iam: IAM, _ p: Parameters) throws -> AWSValue {
        let roleName = try iam.getRole(roleName: try p.string("RoleName")).roleName
        let policyName = try p.string("PolicyName")
        let document = try iam.getRolePolicy(roleName: roleName, policyName: policyName)
        return ["RoleName": .string(roleName), "PolicyName": .string(policyName), "PolicyDocument": .string(document)]
    }

    /// The policy document stays JSON text: the model's policyDocumentType is a string
    /// (the query protocol URL-encodes it on the wire, and boto3 decodes it to a dict).
    static func role(_ r: IAMRole) -> AWSValue {
        .structure([
            ("Path", .string(r.path)), ("RoleName", .string(r.roleName)), ("RoleId", .string(r.roleId)),
            ("Arn", .string(r.arn)), ("CreateDate", .timestamp(r.createDate)),
            ("AssumeRolePolicyDocument", .string(r.assumeRolePolicyDocument)),
            ("Description", .optional(r.description)), ("MaxSessionDuration", .int(r.maxSessionDuration)),
        ])
    }

    /// One IAM list page: `member` holds the items, IsTruncated and Marker say whether more follow.
    private static func list<Item>(_ items: [Item], as member: String, _ p: Parameters,
                                   _ transform: (Item) -> AWSValue) throws -> AWSValue {
        let page = try p.page(of: items, tokenKey: "Marker", limit: p.optionalInt("MaxItems") ?? 100) {
            AWSError(service: "iam", code: "ValidationError", httpStatus: 400, message: $0)
        }
        return .structure([(member, .list(page.items.map(transform))), ("IsTruncated", .bool(page.nextToken != nil)),
                           ("Marker", .optional(page.nextToken))])
    }

    /// A managed policy's path: `/service-role/` in `arn:aws:iam::aws:policy/service-role/Name`.
    static func policyPath(_ arn: String) -> String {
        guard let range = arn.range(of: ":policy/") else { return "/" }
        let resource = arn[range.upperBound...]
        guard let slash = resource.lastIndex(of: "/") else { return "/" }
        return "/" + resource[...slash]
    }
}
