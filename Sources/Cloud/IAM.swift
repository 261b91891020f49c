// AWS IAM (botocore model iam/2010-05-08): roles, their trust policies, attached AWS
// managed policies and inline policies. Permissions policies are recorded, not
// enforced; trust policies are, through `canBeAssumed`, which Lambda and SageMaker ask.
//
// Error codes and statuses from botocore's iam/2010-05-08/service-2.json:
// EntityAlreadyExists 409, MalformedPolicyDocument 400, NoSuchEntity 404,
// DeleteConflict 409, InvalidInput 400. Constraint violations on members (roleNameType's
// length and pattern) are the query protocol's generic ValidationError 400.
import Foundation
import Serving

public struct IAMRole: Sendable, Equatable {
    public var path: String
    public var roleName: String
    public var roleId: String
    public var arn: String
    public var createDate: Date
    /// The trust policy as given (AWS returns it URL-encoded on the wire; the wire server does that).
    public var assumeRolePolicyDocument: String
    public var description: String?
    public var maxSessionDuration: Int
}

public struct AttachedPolicy: Sendable, Equatable {
    public var policyName: String
    public var policyArn: String
}

public final class IAM: @unchecked Sendable {
    /// The AWS managed policies this emulation knows by ARN; attaching any other is NoSuchEntity.
    public static let managedPolicyArns: [String] = [
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryFullAccess",
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser",
        "arn:aws:iam::aws:policy/AmazonS3FullAccess",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
        "arn:aws:iam::aws:policy/AmazonSNSFullAccess",
        "arn:aws:iam::aws:policy/CloudWatchFullAccess",
        "arn:aws:iam::aws:policy/AWSLambda_FullAccess",
        "arn:aws:iam::aws:policy/IAMFullAccess",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaRole",
    ]

    private struct RoleRecord {
        var role: IAMRole
        var trust: PolicyDocument
        var attached: [String] = []
        var inline: [(name: String, document: String)] = []
    }

    public let account: Account
    private let clock: VirtualClock
    private let lock = NSLock()
    private var roles: [String: RoleRecord] = [:]
    private var creationOrder: [String] = []

    public init(account: Account, clock: VirtualClock) {
        self.account = account
        self.clock = clock
    }

    @discardableResult
    public func createRole(roleName: String, assumeRolePolicyDocument: String, path: String = "/",
                           description: String? = nil, maxSessionDuration: Int = 3600) throws -> IAMRole {
        try Self.validateName(roleName, member: "roleName", max: 64)
        guard path.hasPrefix("/"), path.hasSuffix("/"), path.count <= 512 else {
            throw Self.validation("Value '\(path)' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)")
        }
        guard (3600...43200).contains(maxSessionDuration) else {
            throw Self.validation("Value '\(maxSessionDuration)' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200")
        }
        let trust = try Self.parse(assumeRolePolicyDocument, kind: .trust)
        return try lock.withLock {
            guard roles[roleName.lowercased()] == nil else {
                throw AWSError(service: "iam", code: "EntityAlreadyExists", httpStatus: 409,
                               message: "Role with name \(roleName) already exists.")
            }
            let role = IAMRole(
                path: path, roleName: roleName, roleId: Self.roleId(for: "\(account.id)/\(roleName)"),
                arn: "arn:aws:iam::\(account.id):role\(path)\(roleName)", createDate: clock.now,
                assumeRolePolicyDocument: assumeRolePolicyDocument, description: description,
                maxSessionDuration: maxSessionDuration)
            roles[roleName.lowercased()] = RoleRecord(role: role, trust: trust)
            creationOrder.append(roleName.lowercased())
            return role
        }
    }

    public func getRole(roleName: String) throws -> IAMRole {
        try lock.withLock { try record(roleName).role }
    }

    public func listRoles() -> [IAMRole] {
        lock.withLock { creationOrder.compactMap { roles[$0]?.role } }
    }

    public func attachRolePolicy(roleName: String, policyArn: String) throws {
        try Self.validatePolicyArn(policyArn)
        try lock.withLock {
            _ = try record(roleName)
            guard Self.managedPolicyArns.contains(policyArn) else {
                throw AWSError(service: "iam", code: "NoSuchEntity", httpStatus: 404,
                               message: "Policy \(policyArn) does not exist or is not attachable.")
            }
            if roles[roleName.lowercased()]?.attached.contains(policyArn) == false {
                roles[roleName.lowercased()]?.attached.append(policyArn)
            }
        }
    }

    public func detachRolePolicy(roleName: String, policyArn: String) throws {
        try Self.validatePolicyArn(policyArn)
        try lock.withLock {
            guard try record(roleName).attached.contains(policyArn) else {
                throw AWSError(service: "iam", code: "NoSuchEntity", httpStatus: 404,
                               message: "Policy \(policyArn) was not found.")
            }
            roles[roleName.lowercased()]?.attached.removeAll { $0 == policyArn }
        }
    }

    public func listAttachedRolePolicies(roleName: String) throws -> [AttachedPolicy] {
        try lock.withLock {
            try record(roleName).attached.map {
                AttachedPolicy(policyName: String($0.split(separator: "/").last ?? ""), policyArn: $0)
            }
        }
    }

    /// Adds or replaces an inline permissions policy.
    public func putRolePolicy(roleName: String, policyName: String, policyDocument: String) throws {
        try Self.validateName(policyName, member: "policyName", max: 128)
        _ = try Self.parse(policyDocument, kind: .identity)
        try lock.withLock {
            _ = try record(roleName)
            roles[roleName.lowercased()]?.inline.removeAll { $0.name == policyName }
            roles[roleName.lowercased()]?.inline.append((policyName, policyDocument))
        }
    }

    public func getRolePolicy(roleName: String, policyName: String) throws -> String {
        try lock.withLock {
            guard let policy = try record(roleName).inline.first(where: { $0.name == policyName }) else {
                throw AWSError(service: "iam", code: "NoSuchEntity", httpStatus: 404,
                               message: "The role policy with name \(policyName) cannot be found.")
            }
            return policy.document
        }
    }

    public func listRolePolicies(roleName: String) throws -> [String] {
        try lock.withLock { try record(roleName).inline.map(\.name) }
    }

    public func deleteRolePolicy(roleName: String, policyName: String) throws {
        _ = try getRolePolicy(roleName: roleName, policyName: policyName)
        lock.withLock { roles[roleName.lowercased()]?.inline.removeAll { $0.name == policyName } }
    }

    /// Fails with DeleteConflict while managed policies are attached or inline policies remain, as IAM does.
    public func deleteRole(roleName: String) throws {
        try lock.withLock {
            let current = try record(roleName)
            guard current.attached.isEmpty else {
                throw AWSError(service: "iam", code: "DeleteConflict", httpStatus: 409,
                               message: "Cannot delete entity, must detach all policies first.")
            }
            guard current.inline.isEmpty else {
                throw AWSError(service: "iam", code: "DeleteConflict", httpStatus: 409,
                               message: "Cannot delete entity, must delete policies first.")
            }
            roles[roleName.lowercased()] = nil
            creationOrder.removeAll { $0 == roleName.lowercased() }
        }
    }

    /// Whether the role exists and its trust policy lets `service` (e.g. "lambda.amazonaws.com") call sts:AssumeRole.
    public func canBeAssumed(roleArn: String, byService service: String) -> Bool {
        lock.withLock {
            guard let record = roles.values.first(where: { $0.role.arn == roleArn }) else { return false }
            return record.trust.allows(action: "sts:AssumeRole", principalType: "Service", principal: service)
        }
    }

    /// Creates the notebook's execution role: trusted by SageMaker, with AmazonSageMakerFullAccess.
    func createNotebookExecutionRole(named name: String) throws -> String {
        let trust = #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "#
            + #""Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#
        let role = try createRole(roleName: name, assumeRolePolicyDocument: trust,
                                  description: "Execution role of the lab notebook")
        try attachRolePolicy(roleName: name, policyArn: "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess")
        return role.arn
    }

    // MARK: Helpers

    private func record(_ roleName: String) throws -> RoleRecord {
        guard let record = roles[roleName.lowercased()] else {
            throw AWSError(service: "iam", code: "NoSuchEntity", httpStatus: 404,
                           message: "The role with name \(roleName) cannot be found.")
        }
        return record
    }

    private static func parse(_ document: String, kind: PolicyDocument.Kind) throws -> PolicyDocument {
        guard (1...131_072).contains(document.utf8.count) else {
            throw validation("Value at 'policyDocument' failed to satisfy constraint: Member must have length between 1 and 131072")
        }
        do { return try PolicyDocument(json: document, kind: kind) } catch let error as PolicyDocument.ParseError {
            throw AWSError(service: "iam", code: "MalformedPolicyDocument", httpStatus: 400, message: error.reason)
        }
    }

    /// roleNameType / policyNameType: 1...max characters of `[\w+=,.@-]`.
    private static func validateName(_ name: String, member: String, max: Int) throws {
        let allowed = name.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_+=,.@-".unicodeScalars.contains($0))
        }
        guard (1...max).contains(name.count) else {
            throw validation("Value '\(name)' at '\(member)' failed to satisfy constraint: Member must have length less than or equal to \(max)")
        }
        guard allowed else {
            throw validation("Value '\(name)' at '\(member)' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+")
        }
    }

    private static func validatePolicyArn(_ arn: String) throws {
        guard arn.hasPrefix("arn:aws:iam::"), arn.split(separator: ":", omittingEmptySubsequences: false).count == 6,
              arn.contains(":policy/") else {
            throw AWSError(service: "iam", code: "InvalidInput", httpStatus: 400, message: "ARN \(arn) is not valid.")
        }
    }

    private static func validation(_ detail: String) -> AWSError {
        AWSError(service: "iam", code: "ValidationError", httpStatus: 400, message: "1 validation error detected: \(detail)")
    }

    /// "AROA" and 17 characters derived from the name, so ids repeat from run to run.
    static func roleId(for seed: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return "AROA" + String(Digest.sha256(Data(seed.utf8)).prefix(17).map { alphabet[Int($0 & 31)] })
    }
}
