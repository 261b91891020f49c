// The emulated AWS account: one clock, one account, one instance of each service.
// Services that talk to each other (Lambda pulling from ECR and checking IAM) get
// their peers here, so every caller sees the same state.
import Foundation
import Serving

public final class CloudEnvironment: @unchecked Sendable {
    public let account: Account
    public let clock: VirtualClock
    /// Where S3 objects and unpacked images live; one directory per service.
    public let stateDirectory: URL

    public let s3: S3
    public let sns: SNS
    public let cloudWatch: CloudWatch
    public let logs: CloudWatchLogs
    public let iam: IAM
    public let sts: STS
    public let ecr: ECR
    public let lambda: Lambda
    /// The role the lab notebook runs as: what STS reports and SageMaker's
    /// `get_execution_role()` would return. Trusts sagemaker.amazonaws.com and has
    /// AmazonSageMakerFullAccess attached, as the notebook instance's role does.
    public let executionRoleArn: String

    // --- SageMaker services (owned by "sagemaker").
    public let sagemaker: SageMaker
    public let sagemakerRuntime: SageMakerRuntime
    public let applicationAutoScaling: ApplicationAutoScaling

    public init(stateDirectory: URL, registry: HandlerRegistry = HandlerRegistry(),
                account: Account = Account(), clock: VirtualClock = VirtualClock()) throws {
        self.account = account
        self.clock = clock
        self.stateDirectory = stateDirectory
        s3 = try S3(stateDirectory: stateDirectory.appendingPathComponent("s3", isDirectory: true),
                    account: account, clock: clock)
        sns = SNS(account: account, clock: clock)
        cloudWatch = CloudWatch(account: account, clock: clock)
        logs = CloudWatchLogs(account: account, clock: clock)
        iam = IAM(account: account, clock: clock)
        sts = STS(account: account)
        executionRoleArn = try iam.createNotebookExecutionRole(named: sts.roleName)
        ecr = ECR(account: account, clock: clock)
        lambda = Lambda(account: account, clock: clock, iam: iam, ecr: ecr, registry: registry, cloudWatch: cloudWatch,
                        logs: logs)

        // --- SageMaker services (owned by "sagemaker").
        sagemaker = SageMaker(account: account, clock: clock, registry: registry, s3: s3, sns: sns,
                              cloudWatch: cloudWatch, iam: iam,
                              workDirectory: stateDirectory.appendingPathComponent("sagemaker", isDirectory: true), logs: logs)
        sagemakerRuntime = SageMakerRuntime(sagemaker: sagemaker)
        applicationAutoScaling = ApplicationAutoScaling(account: account, clock: clock, sagemaker: sagemaker,
                                                        cloudWatch: cloudWatch)
    }
}
