// AWS STS (botocore model sts/2011-06-15): GetCallerIdentity for the one principal the
// labs run as, a SageMaker notebook's execution role session by default.
import Foundation

public struct GetCallerIdentityOutput: Sendable, Equatable {
    public var userId: String
    public var account: String
    public var arn: String
}

public final class STS: @unchecked Sendable {
    public let account: Account
    /// The role the caller's session belongs to.
    public let roleName: String
    public let sessionName: String

    /// The caller is `assumed-role/<roleName>/<sessionName>`, as inside a SageMaker notebook.
    public init(account: Account, roleName: String = "SageMakerExecutionRole", sessionName: String = "SageMaker") {
        self.account = account
        self.roleName = roleName
        self.sessionName = sessionName
    }

    public func getCallerIdentity() -> GetCallerIdentityOutput {
        let roleId = IAM.roleId(for: "\(account.id)/\(roleName)")
        return GetCallerIdentityOutput(
            userId: "\(roleId):\(sessionName)", account: account.id,
            arn: "arn:aws:sts::\(account.id):assumed-role/\(roleName)/\(sessionName)")
    }
}
